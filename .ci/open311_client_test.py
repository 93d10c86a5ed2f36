"""Drives Open311 GeoReport v2 at /open311/v2 with `georeport`, an Open311
client from PyPI that this project did not write, in both its JSON and XML
modes, on the demo zone: an admin registers an integrator, an app reports
with its key (form-encoded, `api_key` in the query string as well as the
body, an empty `jurisdiction_id`), and the client reads the services, a
service definition, the request list and the request back.

    python3 open311_client_test.py http://127.0.0.1:8080 ADMIN_PASSWORD
"""

import json
import sys
import urllib.parse
import urllib.request

from georeport import GeoReport

base, admin_password = sys.argv[1], sys.argv[2]


def call(method: str, path: str, body=None, token=None, form=None):
    data, headers = None, {}
    if body is not None:
        data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(base + path, data=data, headers=headers, method=method)
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


admin = call("POST", "/api/v1/auth/login", {"username": "admin", "password": admin_password})["access_token"]
key = call(
    "POST",
    "/api/v1/integrators",
    {"name": "open311 client test", "scopes": ["report_cases", "read_own_cases"]},
    token=admin,
)["key"]

# report as an existing Open311 app does
query = urllib.parse.urlencode({"api_key": key, "jurisdiction_id": ""})
receipt = call(
    "POST",
    f"/open311/v2/requests.json?{query}",
    form={
        "api_key": key,
        "jurisdiction_id": "",
        "service_code": "safety_hazard.flooding",
        "address_string": "人和路与建设路口",
        "description": "路口积水，电动车绕行",
    },
)
request_id = receipt[0]["service_request_id"]

for output_format in ("json", "xml"):
    client = GeoReport(f"{base}/open311/v2", jurisdiction="", output_format=output_format)
    services = client.get_service_list()
    codes = {s["service_code"] for s in services}
    assert "safety_hazard.flooding" in codes, (output_format, sorted(codes)[:5])
    definition = client.get_service_definition("safety_hazard.flooding")
    attributes = definition["attributes"]
    if output_format == "xml":
        attributes = attributes["attribute"]
        attributes = attributes if isinstance(attributes, list) else [attributes]
    assert attributes[0]["code"] == "severity", (output_format, definition)
    requests = client.get_service_requests(status="open")
    requests = requests if isinstance(requests, list) else [requests]
    assert any(r["service_request_id"] == request_id for r in requests), (output_format, requests[:2])
    one = client.get_service_request(request_id)
    assert one["service_request_id"] == request_id and one["status"] == "open", (output_format, one)
    # the public view: no text, no place
    assert one.get("description") in (None, ""), (output_format, one)
    print(f"georeport ({output_format}): {len(services)} services, request {request_id} is {one['status']}")
