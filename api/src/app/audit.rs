//! Writing the audit log: who did what to which record, when, from where, and
//! how it ended — and, for changes the world may hear of, the outbox event.
//! Both are written in the transaction of the change they record. Neither
//! holds passwords, tokens or ID numbers: callers pass only safe details.

use gridwork_domain::audit::{AuditAction, Entity, Outcome};
use gridwork_domain::event::EventType;
use gridwork_domain::{IntegratorId, UserId};
use gridwork_persistence::audit::{self, AuditRow};
use gridwork_persistence::{DbConnection, time};

use super::{Caller, outbox};

/// Where a request came from, for the audit log and the outbox.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub request_id: Option<String>,
    pub client_ip: Option<String>,
}

/// One audit entry being assembled.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    pub action: AuditAction,
    pub outcome: Outcome,
    pub actor_id: Option<String>,
    pub actor_username: Option<String>,
    /// The personal access token the actor used.
    pub actor_token_id: Option<String>,
    /// The integrator that acted, or through whose rider token.
    pub actor_integrator_id: Option<String>,
    pub target: Option<(Entity, String)>,
    pub detail: Option<serde_json::Value>,
    /// The outbox event about the target, with its payload.
    pub event: Option<(EventType, serde_json::Value)>,
}

impl AuditEvent {
    pub fn new(action: AuditAction, outcome: Outcome) -> AuditEvent {
        AuditEvent {
            action,
            outcome,
            actor_id: None,
            actor_username: None,
            actor_token_id: None,
            actor_integrator_id: None,
            target: None,
            detail: None,
            event: None,
        }
    }

    pub fn success(action: AuditAction) -> AuditEvent {
        AuditEvent::new(action, Outcome::Success)
    }

    /// By this caller (and the token it used); the system leaves the actor empty.
    pub fn by(self, caller: &Caller) -> AuditEvent {
        let by = AuditEvent {
            actor_integrator_id: caller.rider.as_ref().map(|r| r.integrator_id.to_string()),
            ..self
        };
        match &caller.user {
            Some(user) => AuditEvent {
                actor_token_id: caller.token.as_ref().map(ToString::to_string),
                ..by.by_user(Some(&user.id), Some(&user.username))
            },
            None => by,
        }
    }

    /// By an integrator, through one of its keys.
    pub fn by_integrator(mut self, integrator: &IntegratorId) -> AuditEvent {
        self.actor_integrator_id = Some(integrator.to_string());
        self
    }

    pub fn by_user(mut self, id: Option<&UserId>, username: Option<&str>) -> AuditEvent {
        self.actor_id = id.map(ToString::to_string);
        self.actor_username = username.map(str::to_owned);
        self
    }

    pub fn on(mut self, target_type: Entity, id: impl ToString) -> AuditEvent {
        self.target = Some((target_type, id.to_string()));
        self
    }

    pub fn detail(mut self, detail: serde_json::Value) -> AuditEvent {
        self.detail = Some(detail);
        self
    }

    /// Also tells the world: `event` about the target goes to the outbox.
    pub fn event(mut self, event: EventType, payload: serde_json::Value) -> AuditEvent {
        self.event = Some((event, payload));
        self
    }

    pub fn write(self, conn: &mut DbConnection, origin: &Origin) -> diesel::QueryResult<()> {
        let (target_type, target_id) = self.target.map_or((None, None), |(t, id)| {
            (Some(t.code().to_owned()), Some(id))
        });
        if let Some((event, payload)) = self.event {
            outbox::emit(
                conn,
                origin,
                event,
                target_id.as_deref().unwrap_or_default(),
                payload,
            )?;
        }
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
                actor_token_id: self.actor_token_id,
                actor_integrator_id: self.actor_integrator_id,
            },
        )
    }
}
