//! Enterprise services over the life cycle (全生命周期服务): what an
//! enterprise asks of the zone — talent, technology, markets, policy,
//! permits — as `enterprise_service.*` cases, each at a stage of the
//! enterprise's life. The enterprise's own users (its principal, and the
//! accounts it holds) raise them; they are routed and evaluated like every
//! case.

crate::closed_set! {
    /// Where in its life the enterprise was when it asked.
    pub enum ServiceStage {
        SettlingIn = "settling_in", "落地入驻", "Settling in";
        Production = "production", "生产经营", "Production";
        Expansion = "expansion", "发展壮大", "Expansion";
    }
}

/// The root of the service categories.
pub const SERVICE_CATEGORY: &str = "enterprise_service";

/// Whether a case category is an enterprise service.
pub fn is_service(category: &str) -> bool {
    category
        .strip_prefix(SERVICE_CATEGORY)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StageError {
    #[error("a stage is for `enterprise_service.*` requests about an enterprise")]
    NotAService,
}

/// The stage a new case is recorded at: a service request about an
/// enterprise at the stage given, or `production` (most requests come from
/// enterprises at work); other cases have none and may not name one.
pub fn stage_of(
    category: &str,
    about_enterprise: bool,
    given: Option<ServiceStage>,
) -> Result<Option<ServiceStage>, StageError> {
    if is_service(category) && about_enterprise {
        Ok(Some(given.unwrap_or(ServiceStage::Production)))
    } else if given.is_some() {
        Err(StageError::NotAService)
    } else {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_categories_are_the_root_and_its_children() {
        assert!(is_service("enterprise_service"));
        assert!(is_service("enterprise_service.talent"));
        assert!(!is_service("enterprise_services.talent"));
        assert!(!is_service("safety_hazard.fire"));
        assert!(!is_service(""));
    }

    #[test]
    fn a_service_request_defaults_to_production() {
        assert_eq!(
            stage_of("enterprise_service.market", true, None),
            Ok(Some(ServiceStage::Production))
        );
        assert_eq!(
            stage_of(
                "enterprise_service.permits",
                true,
                Some(ServiceStage::SettlingIn)
            ),
            Ok(Some(ServiceStage::SettlingIn))
        );
    }

    #[test]
    fn only_a_service_request_about_an_enterprise_has_a_stage() {
        assert_eq!(stage_of("safety_hazard.fire", true, None), Ok(None));
        assert_eq!(stage_of("enterprise_service.talent", false, None), Ok(None));
        assert_eq!(
            stage_of("safety_hazard.fire", true, Some(ServiceStage::Expansion)),
            Err(StageError::NotAService)
        );
        assert_eq!(
            stage_of(
                "enterprise_service.talent",
                false,
                Some(ServiceStage::Expansion)
            ),
            Err(StageError::NotAService)
        );
    }
}
