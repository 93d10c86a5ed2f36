//! Aggregate ids: one type each, so that a person id cannot be passed where a
//! grid id is expected.

crate::id_type!(
    /// A user account.
    UserId
);
crate::id_type!(
    /// A grid of the tree.
    GridId
);
crate::id_type!(
    /// An enterprise record.
    EnterpriseId
);
crate::id_type!(
    /// A person (grid staff, principal, anyone a placard names).
    PersonId
);
crate::id_type!(
    /// A person's assignment to a grid in a role.
    AssignmentId
);
crate::id_type!(
    /// A personal access token (its id, never its secret).
    AccessTokenId
);
crate::id_type!(
    /// An outside system acting through keys (a courier platform).
    IntegratorId
);
crate::id_type!(
    /// One of an integrator's keys (its id, never its secret).
    IntegratorKeyId
);
crate::id_type!(
    /// A rider's enrolment as a mobile grid worker by an integrator.
    EnrolmentId
);
crate::id_type!(
    /// A case (事件).
    CaseId
);
crate::id_type!(
    /// A photo uploaded for a case.
    AttachmentId
);
crate::id_type!(
    /// A visit to an enterprise (走访).
    VisitId
);
crate::id_type!(
    /// An inspection template (检查表).
    TemplateId
);
crate::id_type!(
    /// An inspection schedule (排查计划).
    ScheduleId
);
crate::id_type!(
    /// An inspection submitted (排查记录).
    InspectionId
);
crate::id_type!(
    /// A hazard an inspection found (隐患).
    HazardId
);
crate::id_type!(
    /// A dispute under mediation (矛盾纠纷).
    DisputeId
);
crate::id_type!(
    /// A heart-to-heart talk (谈心谈话).
    TalkId
);
crate::id_type!(
    /// A policy publicised (政策).
    PolicyId
);
crate::id_type!(
    /// A policy briefing session (政策宣讲).
    BriefingId
);

crate::id_type!(
    /// A training course (培训课程).
    CourseId
);
crate::id_type!(
    /// A session of a course held on a day.
    TrainingSessionId
);
crate::id_type!(
    /// That a person completed a course.
    TrainingRecordId
);

crate::id_type!(
    /// A party branch on a grid (网格党支部).
    BranchId
);
crate::id_type!(
    /// A party activity (组织生活、主题党日).
    ActivityId
);
crate::id_type!(
    /// A development candidate's nomination (发展对象).
    CandidateId
);

crate::id_type!(
    /// A social organisation (工会、共青团、妇联、签约社会组织).
    OrganisationId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_are_distinct_uuid_v7_text() {
        let (a, b) = (GridId::generate(), GridId::generate());
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), 36);
        assert_eq!(&a.as_str()[14..15], "7");
        assert!(a < b, "time-ordered");
        assert_eq!(serde_json::to_string(&a).unwrap(), format!("\"{a}\""));
        let back: GridId = serde_json::from_str(&format!("\"{a}\"")).unwrap();
        assert_eq!(back, a);
    }

    #[test]
    fn ids_at_a_time_repeat_and_sort_by_that_time() {
        let bits = [7u8; 10];
        let a = CaseId::at(1_767_225_600_000, bits);
        assert_eq!(a, CaseId::at(1_767_225_600_000, bits));
        assert_eq!(&a.as_str()[14..15], "7");
        assert!(a.as_str().starts_with("019b76da-a800-"), "{a}");
        assert!(a < CaseId::at(1_767_225_600_001, [0; 10]));
    }

    #[test]
    fn ids_from_requests_are_uuids_and_nothing_else() {
        for bad in [
            "\"a\\u0000b\"".to_owned(),
            "\"\"".to_owned(),
            format!("\"{}\"", "x".repeat(65)),
            "\"nope\"".to_owned(),
            // the simple and braced forms are UUIDs too, but not the text ours take
            "\"0193a1f47c9e7d219a1b3f4e5d6c7b8a\"".to_owned(),
            "\"{0193a1f4-7c9e-7d21-9a1b-3f4e5d6c7b8a}\"".to_owned(),
        ] {
            assert!(serde_json::from_str::<PersonId>(&bad).is_err(), "{bad}");
        }
        let unknown: PersonId =
            serde_json::from_str("\"0193a1f4-7c9e-7d21-9a1b-3f4e5d6c7b8a\"").unwrap();
        assert_eq!(
            unknown.as_str(),
            "0193a1f4-7c9e-7d21-9a1b-3f4e5d6c7b8a",
            "unknown, not invalid"
        );
    }
}
