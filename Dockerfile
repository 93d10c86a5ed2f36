# Gridwork: multi-stage build of the `gridwork` binary.
FROM rust:1.95-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p gridwork-api && cp target/release/gridwork /usr/local/bin/gridwork

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/gridwork --create-home gridwork
COPY --from=build /usr/local/bin/gridwork /usr/local/bin/gridwork
USER gridwork
WORKDIR /var/lib/gridwork
ENV GRIDWORK_BIND=0.0.0.0:8080 \
    GRIDWORK_LOG_FORMAT=json
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD curl -fsS http://127.0.0.1:8080/readyz || exit 1
ENTRYPOINT ["gridwork"]
CMD ["serve"]
