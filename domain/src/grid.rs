//! The grid tree: kinds, hierarchical codes and where each kind may sit.
//!
//! Codes are digits: the zone root carries the configured prefix (e.g. a
//! 12-digit administrative-division code); a child's code is its parent's plus
//! a sequence number — 3 digits under the zone or an area grid, 2 under an
//! enterprise grid or sub-grid — taken from the parent's counter in creation
//! order. Counters only grow and grids are archived, never deleted, so a code
//! is never reused. A grid's parent is fixed at creation (a move is archive
//! and recreate), which with "the parent must already exist" makes cycles
//! impossible: every grid's code is longer than its parent's.

use std::fmt;

crate::closed_set! {
    /// What a grid is: the zone root, an area, an enterprise or a sub-grid.
    pub enum GridKind {
        /// The development zone itself: the single root.
        Zone = "zone", "经开区", "Development zone";
        /// An area grid (may hold several small enterprises).
        General = "general", "综合网格", "Area grid";
        /// 单建网格: one enterprise.
        Enterprise = "enterprise", "单建网格", "Enterprise grid";
        /// A workshop or team of a large enterprise (大网格套小网格).
        SubGrid = "sub_grid", "车间班组网格", "Workshop or team sub-grid";
    }
}

impl GridKind {
    /// Digits a child of this kind of grid adds to the code.
    fn child_digits(self) -> usize {
        match self {
            GridKind::Zone | GridKind::General => 3,
            GridKind::Enterprise | GridKind::SubGrid => 2,
        }
    }
}

/// A grid code: 1–40 ASCII digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GridCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GridCodeError {
    #[error("must be 1 to 40 digits")]
    Format,
    #[error("the parent grid has used all {0} child numbers")]
    Exhausted(u32),
}

impl GridCode {
    pub const MAX_LEN: usize = 40;

    pub fn parse(input: &str) -> Result<GridCode, GridCodeError> {
        let s = input.trim();
        if (1..=Self::MAX_LEN).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(GridCode(s.to_owned()))
        } else {
            Err(GridCodeError::Format)
        }
    }

    /// The code of the `seq`-th child (1-based) of a grid of `parent_kind`.
    pub fn child(&self, parent_kind: GridKind, seq: u32) -> Result<GridCode, GridCodeError> {
        let digits = parent_kind.child_digits();
        let max = 10u32.pow(digits as u32) - 1;
        if seq == 0 || seq > max {
            return Err(GridCodeError::Exhausted(max));
        }
        let code = format!("{}{seq:0digits$}", self.0);
        if code.len() > Self::MAX_LEN {
            return Err(GridCodeError::Format);
        }
        Ok(GridCode(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when `other` is this grid or lies below it.
    pub fn covers(&self, other: &str) -> bool {
        other.starts_with(&self.0)
    }
}

impl fmt::Display for GridCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What the placement rules need to know about a would-be parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParentInfo<'a> {
    pub kind: GridKind,
    pub enterprise_id: Option<&'a str>,
    pub archived: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlacementError {
    #[error("the zone grid is the root: it has no parent")]
    ZoneHasParent,
    #[error("the zone grid exists already; there is one per deployment")]
    SecondZone,
    #[error("a {0} grid needs a parent")]
    MissingParent(GridKind),
    #[error("a {child} grid cannot sit under a {parent} grid")]
    WrongParent { child: GridKind, parent: GridKind },
    #[error("the parent grid is archived")]
    ArchivedParent,
    #[error("an enterprise grid needs enterprise_id")]
    MissingEnterprise,
    #[error("only enterprise grids and their sub-grids name an enterprise")]
    UnexpectedEnterprise,
    #[error("a sub-grid belongs to its parent's enterprise")]
    ForeignEnterprise,
    #[error("this enterprise already has an enterprise grid")]
    SecondEnterpriseGrid,
}

/// Checks where a new grid of `kind` may go. `enterprise_id` is what the
/// request names; the result is the enterprise the grid belongs to (a sub-grid
/// inherits its parent's). `zone_exists` and `enterprise_has_grid` come from
/// the store.
pub fn place<'a>(
    kind: GridKind,
    parent: Option<ParentInfo<'a>>,
    enterprise_id: Option<&'a str>,
    zone_exists: bool,
    enterprise_has_grid: bool,
) -> Result<Option<&'a str>, PlacementError> {
    use GridKind::*;
    if parent.is_some_and(|p| p.archived) {
        return Err(PlacementError::ArchivedParent);
    }
    match (kind, parent) {
        (Zone, Some(_)) => Err(PlacementError::ZoneHasParent),
        (Zone, None) if zone_exists => Err(PlacementError::SecondZone),
        (Zone, None) => match enterprise_id {
            Some(_) => Err(PlacementError::UnexpectedEnterprise),
            None => Ok(None),
        },
        (_, None) => Err(PlacementError::MissingParent(kind)),
        (General, Some(p)) => match (p.kind, enterprise_id) {
            (Zone | General, None) => Ok(None),
            (Zone | General, Some(_)) => Err(PlacementError::UnexpectedEnterprise),
            (parent, _) => Err(PlacementError::WrongParent {
                child: kind,
                parent,
            }),
        },
        (Enterprise, Some(p)) => match (p.kind, enterprise_id) {
            (Zone | General, None) => Err(PlacementError::MissingEnterprise),
            (Zone | General, Some(_)) if enterprise_has_grid => {
                Err(PlacementError::SecondEnterpriseGrid)
            }
            (Zone | General, Some(e)) => Ok(Some(e)),
            (parent, _) => Err(PlacementError::WrongParent {
                child: kind,
                parent,
            }),
        },
        (SubGrid, Some(p)) => match p.kind {
            Enterprise | SubGrid => match (p.enterprise_id, enterprise_id) {
                (Some(own), Some(named)) if own != named => Err(PlacementError::ForeignEnterprise),
                (own, _) => Ok(own),
            },
            parent => Err(PlacementError::WrongParent {
                child: kind,
                parent,
            }),
        },
    }
}

crate::closed_set! {
    /// What keeps a grid from being archived.
    pub enum ArchiveBlocker {
        HasChildren = "has_children", "仍有下级网格", "Active child grids";
        HasPeople = "has_people", "仍有人员", "People assigned or registered";
        HasEnterprises = "has_enterprises", "仍有企业", "Enterprises";
    }
}

/// What still lives in a grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occupancy {
    pub active_children: u64,
    pub active_assignments: u64,
    pub enterprises: u64,
}

impl Occupancy {
    /// What blocks archiving, each with its count; empty when it may go.
    pub fn blockers(&self) -> Vec<(ArchiveBlocker, u64)> {
        [
            (ArchiveBlocker::HasChildren, self.active_children),
            (ArchiveBlocker::HasPeople, self.active_assignments),
            (ArchiveBlocker::HasEnterprises, self.enterprises),
        ]
        .into_iter()
        .filter(|(_, count)| *count > 0)
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use GridKind::*;

    fn parent(kind: GridKind, enterprise: Option<&str>) -> Option<ParentInfo<'_>> {
        Some(ParentInfo {
            kind,
            enterprise_id: enterprise,
            archived: false,
        })
    }

    #[test]
    fn child_codes_add_three_digits_under_area_grids_and_two_under_enterprises() {
        let zone = GridCode::parse("411622000000").unwrap();
        let first = zone.child(Zone, 1).unwrap();
        assert_eq!(first.as_str(), "411622000000001");
        let sub = first.child(Enterprise, 12).unwrap();
        assert_eq!(sub.as_str(), "41162200000000112");
        assert_eq!(
            sub.child(SubGrid, 3).unwrap().as_str(),
            "4116220000000011203"
        );
        assert_eq!(zone.child(General, 45).unwrap().as_str(), "411622000000045");
    }

    #[test]
    fn sequences_are_bounded_by_their_digits() {
        let zone = GridCode::parse("41").unwrap();
        assert!(zone.child(Zone, 999).is_ok());
        assert_eq!(zone.child(Zone, 1000), Err(GridCodeError::Exhausted(999)));
        assert_eq!(
            zone.child(Enterprise, 100),
            Err(GridCodeError::Exhausted(99))
        );
        assert_eq!(zone.child(Zone, 0), Err(GridCodeError::Exhausted(999)));
    }

    #[test]
    fn codes_are_digits_and_cover_their_subtree() {
        assert!(GridCode::parse("41a").is_err());
        assert!(GridCode::parse("").is_err());
        assert!(GridCode::parse(&"1".repeat(41)).is_err());
        let c = GridCode::parse("411622000000001").unwrap();
        assert!(c.covers("41162200000000112"));
        assert!(c.covers("411622000000001"));
        assert!(!c.covers("411622000000002"));
    }

    #[test]
    fn a_child_code_is_always_longer_so_no_grid_is_its_own_ancestor() {
        let mut code = GridCode::parse("4116").unwrap();
        for kind in [Zone, General, Enterprise, SubGrid, SubGrid] {
            let child = code.child(kind, 7).unwrap();
            assert!(child.as_str().len() > code.as_str().len());
            assert!(code.covers(child.as_str()) && !child.covers(code.as_str()));
            code = child;
        }
    }

    #[test]
    fn the_zone_is_a_single_root() {
        assert_eq!(place(Zone, None, None, false, false), Ok(None));
        assert_eq!(
            place(Zone, None, None, true, false),
            Err(PlacementError::SecondZone)
        );
        assert_eq!(
            place(Zone, parent(Zone, None), None, false, false),
            Err(PlacementError::ZoneHasParent)
        );
    }

    #[test]
    fn area_and_enterprise_grids_sit_under_the_zone_or_an_area_grid() {
        assert_eq!(
            place(General, parent(Zone, None), None, true, false),
            Ok(None)
        );
        assert_eq!(
            place(General, parent(General, None), None, true, false),
            Ok(None)
        );
        assert_eq!(
            place(Enterprise, parent(General, None), Some("e1"), true, false),
            Ok(Some("e1"))
        );
        assert_eq!(
            place(General, parent(Enterprise, Some("e1")), None, true, false),
            Err(PlacementError::WrongParent {
                child: General,
                parent: Enterprise
            })
        );
        assert_eq!(
            place(General, None, None, true, false),
            Err(PlacementError::MissingParent(General))
        );
        assert_eq!(
            place(General, parent(Zone, None), Some("e1"), true, false),
            Err(PlacementError::UnexpectedEnterprise)
        );
    }

    #[test]
    fn an_enterprise_has_exactly_one_enterprise_grid() {
        assert_eq!(
            place(Enterprise, parent(Zone, None), None, true, false),
            Err(PlacementError::MissingEnterprise)
        );
        assert_eq!(
            place(Enterprise, parent(Zone, None), Some("e1"), true, true),
            Err(PlacementError::SecondEnterpriseGrid)
        );
    }

    #[test]
    fn sub_grids_sit_under_their_own_enterprise() {
        assert_eq!(
            place(SubGrid, parent(Enterprise, Some("e1")), None, true, false),
            Ok(Some("e1"))
        );
        assert_eq!(
            place(
                SubGrid,
                parent(SubGrid, Some("e1")),
                Some("e1"),
                true,
                false
            ),
            Ok(Some("e1"))
        );
        assert_eq!(
            place(
                SubGrid,
                parent(SubGrid, Some("e1")),
                Some("e2"),
                true,
                false
            ),
            Err(PlacementError::ForeignEnterprise)
        );
        assert_eq!(
            place(SubGrid, parent(General, None), None, true, false),
            Err(PlacementError::WrongParent {
                child: SubGrid,
                parent: General
            })
        );
        assert_eq!(
            place(SubGrid, parent(Zone, None), Some("e1"), true, false),
            Err(PlacementError::WrongParent {
                child: SubGrid,
                parent: Zone
            })
        );
    }

    #[test]
    fn nothing_goes_under_an_archived_grid() {
        let archived = Some(ParentInfo {
            kind: Zone,
            enterprise_id: None,
            archived: true,
        });
        assert_eq!(
            place(General, archived, None, true, false),
            Err(PlacementError::ArchivedParent)
        );
    }

    #[test]
    fn occupied_grids_name_what_blocks_archiving() {
        let empty = Occupancy {
            active_children: 0,
            active_assignments: 0,
            enterprises: 0,
        };
        assert!(empty.blockers().is_empty());
        let busy = Occupancy {
            active_children: 2,
            active_assignments: 1,
            enterprises: 1,
        };
        assert_eq!(
            busy.blockers(),
            [
                (ArchiveBlocker::HasChildren, 2),
                (ArchiveBlocker::HasPeople, 1),
                (ArchiveBlocker::HasEnterprises, 1)
            ]
        );
        assert_eq!(ArchiveBlocker::HasPeople.code(), "has_people");
    }
}
