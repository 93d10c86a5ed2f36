"""Drives a Python client generated from openapi/openapi.json (by
openapi-python-client, as an integrator would make it) through reporting and
accepting a case on the demo zone: the worker's grid read from /me goes into
the report, and the case's id from the answer into the accept step, each as
the UUID the client typed it.

    python3 client_test.py http://127.0.0.1:8080 seed.log   # with the client on PYTHONPATH
"""

import re
import sys

from gridwork_client import AuthenticatedClient, Client
from gridwork_client.api.auth import login
from gridwork_client.api.cases import accept_case, create_case, get_case
from gridwork_client.api.users import me
from gridwork_client.models import CaseView, CreateCase, LoginRequest, MeView, NoteInput, ReportedCase, TokenResponse
from gridwork_client.models.severity import Severity
from gridwork_client.models.source import Source

base, seed_log = sys.argv[1], sys.argv[2]
# "  zhangyc    grid_worker      张亚超  <password>" in the seed's account list
passwords = dict(re.findall(r"^  (\S+)\s+\S+\s+\S+\s+(\S+)$", open(seed_log, encoding="utf-8").read(), re.M))


def session(username: str) -> AuthenticatedClient:
    tokens = login.sync(client=Client(base_url=base), body=LoginRequest(username=username, password=passwords[username]))
    assert isinstance(tokens, TokenResponse), tokens
    return AuthenticatedClient(base_url=base, token=tokens.access_token)


worker = session("zhangyc")
me_view = me.sync(client=worker)
assert isinstance(me_view, MeView), me_view
grid = me_view.assignments[0].grid_id

reported = create_case.sync(
    client=worker,
    body=CreateCase(
        category="safety_hazard.flooding",
        severity=Severity.URGENT,
        source=Source.GRID_WORKER,
        description="生成的客户端上报：车间屋顶漏雨",
        grid_id=grid,
    ),
)
assert isinstance(reported, ReportedCase), reported
case = reported
assert case.grid_id == grid and case.state.value == "reported", case

leader = session("wangyx")
accepted = accept_case.sync(id=case.id, client=leader, body=NoteInput(note="已接收"), if_match=f'"{case.version}"')
assert isinstance(accepted, CaseView), accepted
assert accepted.state.value == "accepted", accepted.state
again = get_case.sync(id=case.id, client=worker)
assert isinstance(again, CaseView) and again.state.value == "accepted", again
print(f"generated client: case {case.id} reported by zhangyc in grid {grid}, accepted by wangyx")
