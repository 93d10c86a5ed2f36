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
    }
}
