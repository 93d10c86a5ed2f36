//! Domain events: what the outbox reports to the world after each change.

crate::closed_set! {
    /// The type of an outbox event: `<aggregate>.<what happened>`.
    pub enum EventType {
        GridCreated = "grid.created", "网格已创建", "Grid created";
        GridUpdated = "grid.updated", "网格已修改", "Grid updated";
        GridArchived = "grid.archived", "网格已归档", "Grid archived";
        EnterpriseCreated = "enterprise.created", "企业已登记", "Enterprise registered";
        EnterpriseUpdated = "enterprise.updated", "企业信息已更新", "Enterprise updated";
        EnterpriseProfileUpdated = "enterprise.profile_updated", "企业动态档案已更新", "Enterprise profile updated";
        EnterpriseVisited = "enterprise.visited", "企业已走访", "Enterprise visited";
        InspectionTemplateCreated = "inspection_template.created", "检查表已新增", "Inspection template created";
        InspectionTemplateUpdated = "inspection_template.updated", "检查表已修改", "Inspection template changed";
        InspectionScheduleCreated = "inspection_schedule.created", "排查计划已新增", "Inspection schedule created";
        InspectionScheduleArchived = "inspection_schedule.archived", "排查计划已停止", "Inspection schedule ended";
        InspectionSubmitted = "inspection.submitted", "排查记录已提交", "Inspection submitted";
        HazardChanged = "hazard.changed", "隐患整改有进展", "Hazard changed";
        HazardEscalated = "hazard.escalated", "隐患逾期转为事件", "Overdue hazard became a case";
        DisputeOpened = "dispute.opened", "矛盾纠纷已登记", "Dispute opened";
        DisputeMediated = "dispute.mediated", "已记录调解", "Mediation session recorded";
        DisputeClosed = "dispute.closed", "矛盾纠纷已结案", "Dispute closed";
        TalkRecorded = "talk.recorded", "已记录谈心谈话", "Heart-to-heart talk recorded";
        PolicyPublished = "policy.published", "政策已发布", "Policy published";
        PolicyAcknowledged = "policy.acknowledged", "政策已确认阅读", "Policy acknowledged";
        PolicyBriefed = "policy.briefed", "已开展政策宣讲", "Policy briefing held";
        PersonCreated = "person.created", "人员已登记", "Person registered";
        PersonUpdated = "person.updated", "人员信息已更新", "Person updated";
        AssignmentCreated = "assignment.created", "人员已入格", "Person assigned";
        AssignmentEnded = "assignment.ended", "人员已离格", "Assignment ended";
        PlacardPublished = "placard.published", "公示牌已发布", "Placard published";
        PlacardUnpublished = "placard.unpublished", "公示牌已撤下", "Placard taken down";
        PlacardTokenRotated = "placard.token_rotated", "公示牌二维码已更换", "Placard QR code replaced";
        CaseCreated = "case.created", "事件已上报", "Case reported";
        CaseAccepted = "case.accepted", "事件已立案", "Case accepted";
        CaseRejected = "case.rejected", "事件不予立案", "Case rejected";
        CaseDispatched = "case.dispatched", "事件已派遣", "Case dispatched";
        CaseReportedIn = "case.reported_in", "部门已报到", "Department reported in";
        CaseStarted = "case.started", "事件处置中", "Case work started";
        CaseHeld = "case.held", "事件已挂起", "Case put on hold";
        CaseResumed = "case.resumed", "事件恢复处置", "Case resumed";
        CaseResolved = "case.resolved", "事件已办结", "Case resolved";
        CaseClosed = "case.closed", "事件已结案", "Case closed";
        CaseReworked = "case.reworked", "事件返工", "Case sent back for rework";
        CaseEscalated = "case.escalated", "事件已上报上级", "Case escalated";
        CaseOverdue = "case.overdue", "事件已超期", "Case overdue";
        CaseMerged = "case.merged", "事件已合并", "Case merged";
        CaseEvaluated = "case.evaluated", "事件已评价", "Case evaluated";
        CaseNoted = "case.noted", "事件新增处置记录", "Case note added";
    }
}

impl EventType {
    /// The aggregate the event is about: the part before the dot.
    pub fn aggregate(self) -> &'static str {
        self.code().split('.').next().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_codes_name_their_aggregate() {
        assert_eq!(EventType::GridArchived.aggregate(), "grid");
        assert_eq!(EventType::PlacardTokenRotated.aggregate(), "placard");
        for e in EventType::ALL {
            assert_eq!(EventType::parse(e.code()), Some(e));
        }
    }
}
