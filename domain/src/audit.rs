//! What the audit log records. Codes are stable: auditors filter on them.

crate::closed_set! {
    /// What an audit entry records.
    pub enum AuditAction {
        Login = "auth.login", "登录", "Login";
        Refresh = "auth.refresh", "刷新令牌", "Token refresh";
        Logout = "auth.logout", "退出登录", "Logout";
        UserCreate = "user.create", "创建账号", "Account created";
        UserUpdate = "user.update", "修改账号", "Account changed";
        PasswordChange = "user.password_change", "修改本人密码", "Own password changed";
        TokenCreate = "access_token.create", "创建个人访问令牌", "Personal access token created";
        TokenRevoke = "access_token.revoke", "吊销个人访问令牌", "Personal access token revoked";
        BootstrapAdmin = "system.bootstrap_admin", "创建初始管理员", "First administrator created";
        GridCreate = "grid.create", "创建网格", "Grid created";
        GridUpdate = "grid.update", "修改网格", "Grid changed";
        GridArchive = "grid.archive", "归档网格", "Grid archived";
        EnterpriseCreate = "enterprise.create", "登记企业", "Enterprise registered";
        EnterpriseUpdate = "enterprise.update", "更新企业信息", "Enterprise changed";
        ProfileUpdate = "enterprise.profile_update", "更新企业动态档案", "Enterprise profile changed";
        VisitRecord = "enterprise.visit", "记录企业走访", "Enterprise visit recorded";
        TemplateCreate = "inspection_template.create", "新增检查表", "Inspection template created";
        TemplateUpdate = "inspection_template.update", "修改检查表", "Inspection template changed";
        ScheduleCreate = "inspection_schedule.create", "新增排查计划", "Inspection schedule created";
        ScheduleArchive = "inspection_schedule.archive", "停止排查计划", "Inspection schedule ended";
        InspectionSubmit = "inspection.submit", "提交排查记录", "Inspection submitted";
        HazardStep = "hazard.step", "隐患整改流转", "Hazard step taken";
        DisputeOpen = "dispute.open", "登记矛盾纠纷", "Dispute opened";
        DisputeSession = "dispute.session", "记录调解", "Mediation session recorded";
        DisputeClose = "dispute.close", "矛盾纠纷结案", "Dispute closed";
        TalkRecord = "talk.record", "记录谈心谈话", "Heart-to-heart talk recorded";
        PolicyPublish = "policy.publish", "发布政策", "Policy published";
        PolicyAcknowledge = "policy.acknowledge", "确认已读政策", "Policy acknowledged";
        BriefingRecord = "policy.briefing", "记录政策宣讲", "Policy briefing recorded";
        PersonCreate = "person.create", "登记人员", "Person registered";
        PersonUpdate = "person.update", "修改人员信息", "Person changed";
        AssignmentCreate = "assignment.create", "人员入格", "Person assigned";
        AssignmentEnd = "assignment.end", "人员离格", "Assignment ended";
        PlacardPublish = "placard.publish", "发布公示牌", "Placard published";
        PlacardUnpublish = "placard.unpublish", "撤下公示牌", "Placard taken down";
        PlacardRotate = "placard.rotate_token", "更换公示牌二维码", "Placard QR code replaced";
        PrintLink = "placard.print_link", "生成公示牌打印链接", "Placard print link made";
        DepartmentCreate = "department.create", "新增部门", "Department created";
        DepartmentUpdate = "department.update", "修改部门", "Department changed";
        CategoryCreate = "case_category.create", "新增事件类别", "Case category created";
        CategoryUpdate = "case_category.update", "修改事件类别", "Case category changed";
        CalendarUpdate = "calendar.update", "修改工作日历", "Working calendar changed";
        CaseReport = "case.report", "上报事件", "Case reported";
        CaseStep = "case.step", "事件流转", "Case step taken";
        CaseNote = "case.note", "事件处置记录", "Case note added";
        AttachmentUpload = "attachment.upload", "上传照片", "Photo uploaded";
        IntegratorCreate = "integrator.create", "登记对接平台", "Integrator registered";
        IntegratorUpdate = "integrator.update", "修改对接平台", "Integrator changed";
        IntegratorKeyCreate = "integrator.key_create", "签发对接密钥", "Integrator key issued";
        IntegratorKeyRevoke = "integrator.key_revoke", "吊销对接密钥", "Integrator key revoked";
        EnrolmentCreate = "enrolment.create", "平台登记移动网格员", "Rider enrolment submitted";
        EnrolmentApprove = "enrolment.approve", "通过移动网格员登记", "Rider enrolment approved";
        EnrolmentRefuse = "enrolment.refuse", "拒绝移动网格员登记", "Rider enrolment refused";
        EnrolmentWithdraw = "enrolment.withdraw", "撤回移动网格员登记", "Rider enrolment withdrawn";
        RiderToken = "enrolment.rider_token", "签发骑手令牌", "Rider token issued";
        WebhookSubscribe = "webhook.subscribe", "订阅事件推送", "Webhook subscribed";
        WebhookRemove = "webhook.remove", "取消事件推送", "Webhook removed";
        WebhookRedeliver = "webhook.redeliver", "重新推送", "Webhook delivery sent again";
        SchemeUpdate = "assessment_scheme.update", "修改考核方案", "Scorecard scheme changed";
        AssessmentClose = "assessment.close", "考核月份封存", "Assessment month closed";
        CourseCreate = "training_course.create", "新增培训课程", "Training course created";
        TrainingSessionCreate = "training_session.create", "安排培训场次", "Training session scheduled";
        TrainingRecord = "training.record", "登记培训记录", "Training recorded";
        TrainingOverride = "assignment.training_override", "未经岗前培训上岗（特批）", "Pre-job training waived";
        BranchCreate = "party_branch.create", "成立网格党支部", "Party branch founded";
        PartyMemberAdd = "party_branch.member_add", "登记党员", "Party member registered";
        CandidateNominate = "party_branch.candidate_nominate", "确定发展对象", "Development candidate nominated";
        PartyActivityRecord = "party_branch.activity", "记录组织生活", "Party activity recorded";
        OrganisationCreate = "organisation.create", "登记社会组织", "Organisation registered";
        OrganisationMemberAdd = "organisation.member_add", "登记组织成员", "Organisation member registered";
        EnterpriseAccountAdd = "enterprise.account_add", "开通企业账号", "Enterprise account granted";
        EnterpriseAccountRemove = "enterprise.account_remove", "注销企业账号", "Enterprise account withdrawn";
        Export = "system.export", "导出数据", "Data exported";
        Import = "system.import", "批量导入", "Import";
        SeedDemo = "system.seed_demo", "载入演示数据", "Demo zone loaded";
    }
}

crate::closed_set! {
    /// The kind of record an audit entry is about.
    pub enum Entity {
        User = "user", "账号", "Account";
        Login = "login", "登录会话", "Login session";
        AccessToken = "access_token", "个人访问令牌", "Personal access token";
        Grid = "grid", "网格", "Grid";
        Enterprise = "enterprise", "企业", "Enterprise";
        Person = "person", "人员", "Person";
        Assignment = "assignment", "人员入格", "Assignment";
        Department = "department", "部门", "Department";
        CaseCategory = "case_category", "事件类别", "Case category";
        CalendarDay = "calendar_day", "工作日历日期", "Calendar day";
        Case = "case", "事件", "Case";
        Attachment = "attachment", "照片", "Photo";
        Visit = "visit", "走访", "Visit";
        InspectionTemplate = "inspection_template", "检查表", "Inspection template";
        InspectionSchedule = "inspection_schedule", "排查计划", "Inspection schedule";
        Inspection = "inspection", "排查记录", "Inspection";
        Hazard = "hazard", "隐患", "Hazard";
        Dispute = "dispute", "矛盾纠纷", "Dispute";
        AssessmentScheme = "assessment_scheme", "考核方案", "Scorecard scheme";
        AssessmentMonth = "assessment_month", "考核月份", "Assessment month";
        TrainingCourse = "training_course", "培训课程", "Training course";
        TrainingSession = "training_session", "培训场次", "Training session";
        TrainingRecord = "training_record", "培训记录", "Training record";
        PartyBranch = "party_branch", "网格党支部", "Party branch";
        Organisation = "organisation", "社会组织", "Organisation";
        Talk = "talk", "谈心谈话", "Heart-to-heart talk";
        Policy = "policy", "政策", "Policy";
        Integrator = "integrator", "对接平台", "Integrator";
        IntegratorKey = "integrator_key", "对接密钥", "Integrator key";
        Enrolment = "enrolment", "移动网格员登记", "Rider enrolment";
        Webhook = "webhook", "事件推送订阅", "Webhook";
    }
}

crate::closed_set! {
    /// How the recorded attempt ended.
    pub enum Outcome {
        Success = "success", "成功", "Success";
        Failure = "failure", "失败", "Failure";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_codes_round_trip_and_are_unique() {
        let mut codes: Vec<_> = AuditAction::ALL.iter().map(|a| a.code()).collect();
        for a in AuditAction::ALL {
            assert_eq!(AuditAction::parse(a.code()), Some(a));
        }
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), AuditAction::ALL.len());
        assert_eq!(AuditAction::parse("user.delete"), None);
    }
}
