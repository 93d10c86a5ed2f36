//! CSV exports (导出) for spreadsheet programs: UTF-8 with a byte-order mark
//! so that Excel and WPS read Chinese text, streamed one keyset page at a
//! time so that memory stays flat however many rows there are. The rows are
//! the API's own views — masked as the caller's rights require — with the
//! chosen top-level fields as columns.

use actix_web::HttpResponse;
use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::web::Bytes;
use gridwork_persistence::DbConnection;
use serde_json::Value;

use crate::app::AppError;
use crate::state::AppState;

/// UTF-8's byte-order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Pages waiting to be sent: the producer stops when the client is slower.
const QUEUED_PAGES: usize = 2;

/// One page of rows (views as JSON objects) and where the next starts.
pub type Page = (Vec<Value>, Option<String>);

/// A cell: text as it is, numbers and booleans written out, objects and
/// lists as JSON. Text a spreadsheet would run as a formula (starting with
/// `=`, `+`, `-`, `@`, a tab or a carriage return) is led by `'`.
fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => {
            if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                format!("'{text}")
            } else {
                text.clone()
            }
        }
        Value::Bool(_) | Value::Number(_) => value.to_string(),
        other => cell(&Value::String(other.to_string())),
    }
}

/// `rows` as CSV lines of `columns` (with the BOM and header first).
fn encode(columns: &[&str], rows: &[Value], header: bool) -> Result<Bytes, AppError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let failed = |e: csv::Error| AppError::Internal(format!("csv: {e}"));
    if header {
        out.write_record(columns).map_err(failed)?;
    }
    for row in rows {
        out.write_record(columns.iter().map(|c| cell(&row[*c])))
            .map_err(failed)?;
    }
    let mut bytes = out
        .into_inner()
        .map_err(|e| AppError::Internal(format!("csv: {e}")))?;
    if header {
        bytes.splice(0..0, BOM.iter().copied());
    }
    Ok(Bytes::from(bytes))
}

/// Streams `first` (read — and authorised, and audited — before answering,
/// so refusals are problem documents) and then every page `next` reads from
/// the cursor of the one before, as a CSV download named `filename`.
pub fn respond<F>(
    state: &AppState,
    filename: &str,
    columns: &'static [&'static str],
    first: Page,
    mut next: F,
) -> Result<HttpResponse, AppError>
where
    F: FnMut(&mut DbConnection, String) -> Result<Page, AppError> + Send + 'static,
{
    let (rows, mut cursor) = first;
    let head = encode(columns, &rows, true)?;
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(QUEUED_PAGES);
    let pool = state.pool.clone();
    actix_web::rt::task::spawn_blocking(move || {
        if tx.blocking_send(Ok(head)).is_err() {
            return;
        }
        while let Some(after) = cursor.take() {
            // a connection per page: none is held while the client reads
            let page = pool
                .get()
                .map_err(|e| AppError::Unavailable(e.to_string()))
                .and_then(|mut conn| next(&mut conn, after));
            let bytes = page.and_then(|(rows, following)| {
                cursor = following;
                encode(columns, &rows, false)
            });
            let failed = bytes.is_err();
            let sent = bytes.map_err(|e| {
                tracing::error!(error = %e, "export stopped");
                std::io::Error::other("the export stopped")
            });
            if tx.blocking_send(sent).is_err() || failed {
                return;
            }
        }
    });
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .streaming(body))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn cells_keep_text_and_defuse_formulas() {
        assert_eq!(cell(&json!("耕德电子")), "耕德电子");
        assert_eq!(cell(&json!("=HYPERLINK(\"x\")")), "'=HYPERLINK(\"x\")");
        assert_eq!(cell(&json!("-1+2")), "'-1+2");
        assert_eq!(cell(&json!(-3)), "-3", "a number is a number");
        assert_eq!(cell(&json!(null)), "");
        assert_eq!(cell(&json!(true)), "true");
        assert_eq!(cell(&json!(["a", "b"])), "[\"a\",\"b\"]");
    }

    #[test]
    fn the_first_page_carries_the_bom_and_header() {
        let rows = [json!({ "name": "张亚超", "mobile": "138****1234", "x": 1 })];
        let bytes = encode(&["name", "mobile"], &rows, true).unwrap();
        assert!(bytes.starts_with(BOM));
        assert_eq!(
            std::str::from_utf8(&bytes[3..]).unwrap(),
            "name,mobile\n张亚超,138****1234\n"
        );
        let more = encode(&["name"], &rows, false).unwrap();
        assert_eq!(&more[..], "张亚超\n".as_bytes());
    }
}
