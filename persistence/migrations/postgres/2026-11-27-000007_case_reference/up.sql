-- Reference data of case handling: departments, case categories (two
-- levels, each with its default departments and deadlines), and the
-- working-day calendar. Seeded here; admins edit them through the API.
CREATE TABLE departments (
    code TEXT PRIMARY KEY NOT NULL,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    archived_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL
);
CREATE TABLE case_categories (
    code TEXT PRIMARY KEY NOT NULL,
    parent_code TEXT REFERENCES case_categories (code),
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    -- department codes, lead first, comma-separated
    departments TEXT NOT NULL,
    -- limits that differ from the defaults: severity.action=limit, comma-separated
    deadlines TEXT NOT NULL,
    archived_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL
);
CREATE TABLE calendar_days (
    day DATE PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    note TEXT
);
-- department staff belong to one department
ALTER TABLE users ADD COLUMN department_code TEXT REFERENCES departments (code);

INSERT INTO departments (code, name_zh, name_en, created_at, updated_at, version) VALUES ('civil_affairs', '民政局', 'Civil Affairs Bureau', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1);
INSERT INTO departments (code, name_zh, name_en, created_at, updated_at, version) VALUES ('development_reform', '发展和改革委员会', 'Development and Reform Commission', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1);
INSERT INTO departments (code, name_zh, name_en, created_at, updated_at, version) VALUES ('natural_resources', '自然资源局', 'Natural Resources Bureau', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1);
INSERT INTO departments (code, name_zh, name_en, created_at, updated_at, version) VALUES ('emergency_management', '应急管理局', 'Emergency Management Bureau', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1);
INSERT INTO departments (code, name_zh, name_en, created_at, updated_at, version) VALUES ('fire_rescue', '消防救援大队', 'Fire and Rescue Brigade', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1);
INSERT INTO departments (code, name_zh, name_en, created_at, updated_at, version) VALUES ('human_resources', '人力资源和社会保障局', 'Human Resources and Social Security Bureau', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1);
INSERT INTO departments (code, name_zh, name_en, created_at, updated_at, version) VALUES ('market_regulation', '市场监督管理局', 'Market Regulation Administration', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1);
INSERT INTO departments (code, name_zh, name_en, created_at, updated_at, version) VALUES ('ecology_environment', '生态环境局', 'Ecology and Environment Bureau', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1);
INSERT INTO departments (code, name_zh, name_en, created_at, updated_at, version) VALUES ('housing_construction', '住房和城乡建设局', 'Housing and Urban-Rural Development Bureau', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1);
INSERT INTO departments (code, name_zh, name_en, created_at, updated_at, version) VALUES ('science_technology', '科学技术局', 'Science and Technology Bureau', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1);
INSERT INTO departments (code, name_zh, name_en, created_at, updated_at, version) VALUES ('commerce', '商务局', 'Commerce Bureau', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1);
INSERT INTO departments (code, name_zh, name_en, created_at, updated_at, version) VALUES ('administrative_approval', '行政审批服务局', 'Administrative Approval Bureau', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1);
INSERT INTO case_categories (code, parent_code, name_zh, name_en, departments, deadlines, created_at, updated_at, version) VALUES ('safety_hazard', NULL, '安全隐患', 'Safety hazard', '', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1);
INSERT INTO case_categories (code, parent_code, name_zh, name_en, departments, deadlines, created_at, updated_at, version) VALUES ('safety_hazard.fire', 'safety_hazard', '消防安全', 'Fire safety', 'fire_rescue', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1);
INSERT INTO case_categories (code, parent_code, name_zh, name_en, departments, deadlines, created_at, updated_at, version) VALUES ('safety_hazard.production', 'safety_hazard', '安全生产', 'Production safety', 'emergency_management', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1);
INSERT INTO case_categories (code, parent_code, name_zh, name_en, departments, deadlines, created_at, updated_at, version) VALUES ('safety_hazard.electrical', 'safety_hazard', '用电安全', 'Electrical safety', 'emergency_management', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1);
INSERT INTO case_categories (code, parent_code, name_zh, name_en, departments, deadlines, created_at, updated_at, version) VALUES ('safety_hazard.flooding', 'safety_hazard', '防汛排涝', 'Flooding and drainage', 'emergency_management,natural_resources', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1);
INSERT INTO case_categories (code, parent_code, name_zh, name_en, departments, deadlines, created_at, updated_at, version) VALUES ('safety_hazard.food_drug', 'safety_hazard', '食品药品安全', 'Food and drug safety', 'market_regulation', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1);
INSERT INTO case_categories (code, parent_code, name_zh, name_en, departments, deadlines, created_at, updated_at, version) VALUES ('safety_hazard.environment', 'safety_hazard', '生态环境', 'Environment', 'ecology_environment', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1);
INSERT INTO case_categories (code, parent_code, name_zh, name_en, departments, deadlines, created_at, updated_at, version) VALUES ('safety_hazard.special_equipment', 'safety_hazard', '特种设备', 'Special equipment', 'market_regulation', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1);
INSERT INTO case_categories (code, parent_code, name_zh, name_en, departments, deadlines, created_at, updated_at, version) VALUES ('dispute', NULL, '矛盾纠纷', 'Dispute', '', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1);
INSERT INTO case_categories (code, parent_code, name_zh, name_en, departments, deadlines, created_at, updated_at, version) VALUES ('dispute.wage_arrears', 'dispute', '欠薪', 'Wage arrears', 'human_resources', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1);
INSERT INTO case_categories (code, parent_code, name_zh, name_en, departments, deadlines, created_at, updated_at, version) VALUES ('dispute.labour_contract', 'dispute', '劳动合同', 'Labour contract', 'human_resources', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1);
INSERT INTO case_categories (code, parent_code, name_zh, name_en, departments, deadlines, created_at, updated_at, version) VALUES ('dispute.work_injury', 'dispute', '工伤', 'Work injury', 'human_resources', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1);
INSERT INTO case_categories (code, parent_code, name_zh, name_en, departments, deadlines, created_at, updated_at, version) VALUES ('dispute.employee_conflict', 'dispute', '职工矛盾', 'Conflict between employees', 'civil_affairs', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1);
INSERT INTO case_categories (code, parent_code, name_zh, name_en, departments, deadlines, created_at, updated_at, version) VALUES ('livelihood', NULL, '民生诉求', 'Livelihood appeal', 'civil_affairs', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1);
INSERT INTO case_categories (code, parent_code, name_zh, name_en, departments, deadlines, created_at, updated_at, version) VALUES ('enterprise_service', NULL, '企业服务', 'Enterprise service', '', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1);
INSERT INTO case_categories (code, parent_code, name_zh, name_en, departments, deadlines, created_at, updated_at, version) VALUES ('enterprise_service.talent', 'enterprise_service', '人才招聘', 'Talent recruitment', 'human_resources', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1);
INSERT INTO case_categories (code, parent_code, name_zh, name_en, departments, deadlines, created_at, updated_at, version) VALUES ('enterprise_service.technology', 'enterprise_service', '科技创新', 'Technology and innovation', 'science_technology', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1);
INSERT INTO case_categories (code, parent_code, name_zh, name_en, departments, deadlines, created_at, updated_at, version) VALUES ('enterprise_service.market', 'enterprise_service', '市场开拓', 'Market expansion', 'commerce', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1);
INSERT INTO case_categories (code, parent_code, name_zh, name_en, departments, deadlines, created_at, updated_at, version) VALUES ('enterprise_service.policy', 'enterprise_service', '政策咨询', 'Policy consultation', 'development_reform', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1);
INSERT INTO case_categories (code, parent_code, name_zh, name_en, departments, deadlines, created_at, updated_at, version) VALUES ('enterprise_service.permits', 'enterprise_service', '审批许可', 'Permits and approvals', 'administrative_approval', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1);
INSERT INTO case_categories (code, parent_code, name_zh, name_en, departments, deadlines, created_at, updated_at, version) VALUES ('infrastructure', NULL, '基础设施', 'Infrastructure', 'housing_construction', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1);
INSERT INTO case_categories (code, parent_code, name_zh, name_en, departments, deadlines, created_at, updated_at, version) VALUES ('other', NULL, '其他', 'Other', '', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1);
INSERT INTO calendar_days (day, kind, note) VALUES ('2026-01-01', 'holiday', '元旦');
INSERT INTO calendar_days (day, kind, note) VALUES ('2026-01-02', 'holiday', '元旦');
INSERT INTO calendar_days (day, kind, note) VALUES ('2026-01-03', 'holiday', '元旦');
INSERT INTO calendar_days (day, kind, note) VALUES ('2026-02-15', 'holiday', '春节');
INSERT INTO calendar_days (day, kind, note) VALUES ('2026-02-16', 'holiday', '春节');
INSERT INTO calendar_days (day, kind, note) VALUES ('2026-02-17', 'holiday', '春节');
INSERT INTO calendar_days (day, kind, note) VALUES ('2026-02-18', 'holiday', '春节');
INSERT INTO calendar_days (day, kind, note) VALUES ('2026-02-19', 'holiday', '春节');
INSERT INTO calendar_days (day, kind, note) VALUES ('2026-02-20', 'holiday', '春节');
INSERT INTO calendar_days (day, kind, note) VALUES ('2026-02-21', 'holiday', '春节');
INSERT INTO calendar_days (day, kind, note) VALUES ('2026-02-22', 'holiday', '春节');
INSERT INTO calendar_days (day, kind, note) VALUES ('2026-02-23', 'holiday', '春节');
INSERT INTO calendar_days (day, kind, note) VALUES ('2026-04-04', 'holiday', '清明节');
INSERT INTO calendar_days (day, kind, note) VALUES ('2026-04-05', 'holiday', '清明节');
INSERT INTO calendar_days (day, kind, note) VALUES ('2026-04-06', 'holiday', '清明节');
INSERT INTO calendar_days (day, kind, note) VALUES ('2026-05-01', 'holiday', '劳动节');
INSERT INTO calendar_days (day, kind, note) VALUES ('2026-05-02', 'holiday', '劳动节');
INSERT INTO calendar_days (day, kind, note) VALUES ('2026-05-03', 'holiday', '劳动节');
INSERT INTO calendar_days (day, kind, note) VALUES ('2026-05-04', 'holiday', '劳动节');
INSERT INTO calendar_days (day, kind, note) VALUES ('2026-05-05', 'holiday', '劳动节');
INSERT INTO calendar_days (day, kind, note) VALUES ('2026-06-19', 'holiday', '端午节');
INSERT INTO calendar_days (day, kind, note) VALUES ('2026-06-20', 'holiday', '端午节');
INSERT INTO calendar_days (day, kind, note) VALUES ('2026-06-21', 'holiday', '端午节');
INSERT INTO calendar_days (day, kind, note) VALUES ('2026-09-25', 'holiday', '中秋节');
INSERT INTO calendar_days (day, kind, note) VALUES ('2026-09-26', 'holiday', '中秋节');
INSERT INTO calendar_days (day, kind, note) VALUES ('2026-09-27', 'holiday', '中秋节');
INSERT INTO calendar_days (day, kind, note) VALUES ('2026-10-01', 'holiday', '国庆节');
INSERT INTO calendar_days (day, kind, note) VALUES ('2026-10-02', 'holiday', '国庆节');
INSERT INTO calendar_days (day, kind, note) VALUES ('2026-10-03', 'holiday', '国庆节');
INSERT INTO calendar_days (day, kind, note) VALUES ('2026-10-04', 'holiday', '国庆节');
INSERT INTO calendar_days (day, kind, note) VALUES ('2026-10-05', 'holiday', '国庆节');
INSERT INTO calendar_days (day, kind, note) VALUES ('2026-10-06', 'holiday', '国庆节');
INSERT INTO calendar_days (day, kind, note) VALUES ('2026-10-07', 'holiday', '国庆节');
INSERT INTO calendar_days (day, kind, note) VALUES ('2026-01-04', 'workday', '调休上班');
INSERT INTO calendar_days (day, kind, note) VALUES ('2026-02-14', 'workday', '调休上班');
INSERT INTO calendar_days (day, kind, note) VALUES ('2026-02-28', 'workday', '调休上班');
INSERT INTO calendar_days (day, kind, note) VALUES ('2026-05-09', 'workday', '调休上班');
INSERT INTO calendar_days (day, kind, note) VALUES ('2026-09-20', 'workday', '调休上班');
INSERT INTO calendar_days (day, kind, note) VALUES ('2026-10-10', 'workday', '调休上班');
