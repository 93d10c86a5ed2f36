//! Writing the audit log: who did what to which record, when, from where, and
//! how it ended. Written in the transaction of the change it records. Never
//! holds passwords, tokens or ID numbers: callers pass only safe details.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use gridwork_domain::audit::{AuditAction, Outcome};
use gridwork_persistence::audit::{self, AuditRow};
use gridwork_persistence::{DbConnection, time};

use crate::auth::Caller;
use crate::request_id::RequestId;
use crate::state::AppState;

/// Where a request came from, for the audit log.
#[derive(Debug, Clone, Default)]
pub struct RequestOrigin {
    pub request_id: Option<String>,
    pub client_ip: Option<String>,
}

impl FromRequest for RequestOrigin {
    type Error = actix_web::Error;
    type Future = Ready<Result<RequestOrigin, actix_web::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let trust_proxy = req
            .app_data::<web::Data<AppState>>()
            .is_some_and(|s| s.trust_proxy);
        let info = req.connection_info();
        let ip = if trust_proxy {
            info.realip_remote_addr().map(str::to_owned)
        } else {
            req.peer_addr().map(|a| a.ip().to_string())
        };
        let request_id = RequestId::from_request(req, payload)
            .into_inner()
            .ok()
            .map(|id| id.to_string());
        ready(Ok(RequestOrigin {
            request_id,
            client_ip: ip,
        }))
    }
}

/// One audit entry being assembled.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    pub action: AuditAction,
    pub outcome: Outcome,
    pub actor_id: Option<String>,
    pub actor_username: Option<String>,
    pub target: Option<(&'static str, String)>,
    pub detail: Option<serde_json::Value>,
}

impl AuditEvent {
    pub fn new(action: AuditAction, outcome: Outcome) -> AuditEvent {
        AuditEvent {
            action,
            outcome,
            actor_id: None,
            actor_username: None,
            target: None,
            detail: None,
        }
    }

    pub fn by(mut self, caller: &Caller) -> AuditEvent {
        self.actor_id = Some(caller.row.id.clone());
        self.actor_username = Some(caller.row.username.clone());
        self
    }

    pub fn by_user(mut self, id: Option<&str>, username: Option<&str>) -> AuditEvent {
        self.actor_id = id.map(str::to_owned);
        self.actor_username = username.map(str::to_owned);
        self
    }

    pub fn on(mut self, target_type: &'static str, id: &str) -> AuditEvent {
        self.target = Some((target_type, id.to_owned()));
        self
    }

    pub fn detail(mut self, detail: serde_json::Value) -> AuditEvent {
        self.detail = Some(detail);
        self
    }

    pub fn write(self, conn: &mut DbConnection, origin: &RequestOrigin) -> diesel::QueryResult<()> {
        let (target_type, target_id) = self
            .target
            .map_or((None, None), |(t, id)| (Some(t.to_owned()), Some(id)));
        audit::insert(
            conn,
            &AuditRow {
                id: uuid::Uuid::now_v7().to_string(),
                occurred_at: time::to_db(time::now()),
                actor_id: self.actor_id,
                actor_username: self.actor_username,
                action: self.action.code().to_owned(),
                target_type,
                target_id,
                outcome: self.outcome.code().to_owned(),
                detail: self.detail.map(|d| d.to_string()),
                request_id: origin.request_id.clone(),
                client_ip: origin.client_ip.clone(),
            },
        )
    }
}
