// One portable schema for SQLite and PostgreSQL: only types both map alike.

diesel::table! {
    users (id) {
        id -> Text,
        username -> Text,
        display_name -> Nullable<Text>,
        password_hash -> Text,
        roles -> Text,
        disabled -> Bool,
        token_version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
        department_code -> Nullable<Text>,
        password_change_required -> Bool,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Text,
        family_id -> Text,
        user_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        occurred_at -> Timestamp,
        actor_id -> Nullable<Text>,
        actor_username -> Nullable<Text>,
        action -> Text,
        target_type -> Nullable<Text>,
        target_id -> Nullable<Text>,
        outcome -> Text,
        detail -> Nullable<Text>,
        request_id -> Nullable<Text>,
        client_ip -> Nullable<Text>,
        actor_token_id -> Nullable<Text>,
        actor_integrator_id -> Nullable<Text>,
    }
}

diesel::table! {
    login_attempts (id) {
        id -> Text,
        username -> Text,
        attempted_at -> Timestamp,
        succeeded -> Bool,
        client_ip -> Nullable<Text>,
    }
}

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    enterprises (id) {
        id -> Text,
        name -> Text,
        uscc -> Nullable<Text>,
        industry_section -> Nullable<Text>,
        industry_text -> Nullable<Text>,
        employee_count -> Nullable<Integer>,
        address -> Nullable<Text>,
        lat -> Nullable<Double>,
        lng -> Nullable<Double>,
        principal_person_id -> Nullable<Text>,
        production_characteristics -> Nullable<Text>,
        flags -> Text,
        grid_id -> Nullable<Text>,
        archived_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
        last_verified_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    grids (id) {
        id -> Text,
        code -> Text,
        name -> Text,
        kind -> Text,
        parent_id -> Nullable<Text>,
        enterprise_id -> Nullable<Text>,
        description -> Nullable<Text>,
        boundary -> Nullable<Text>,
        min_lng -> Nullable<Double>,
        min_lat -> Nullable<Double>,
        max_lng -> Nullable<Double>,
        max_lat -> Nullable<Double>,
        next_child_seq -> Integer,
        placard_token -> Nullable<Text>,
        placard_published_at -> Nullable<Timestamp>,
        archived_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    people (id) {
        id -> Text,
        name -> Text,
        mobile -> Nullable<Text>,
        work_phone -> Nullable<Text>,
        id_card_hash -> Nullable<Text>,
        id_card_last4 -> Nullable<Text>,
        party_member -> Bool,
        user_id -> Nullable<Text>,
        grid_id -> Nullable<Text>,
        placard_consent -> Bool,
        placard_consent_at -> Nullable<Timestamp>,
        archived_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
        placard_phone_consent -> Bool,
        placard_phone_consent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    assignments (id) {
        id -> Text,
        grid_id -> Text,
        person_id -> Text,
        role -> Text,
        started_at -> Timestamp,
        ended_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(assignments -> people (person_id));
diesel::joinable!(assignments -> grids (grid_id));
diesel::allow_tables_to_appear_in_same_query!(
    users,
    refresh_tokens,
    audit_log,
    login_attempts,
    settings,
    enterprises,
    grids,
    people,
    assignments,
    outbox_events,
    idempotency_keys
);

diesel::table! {
    case_rollups (grid_id, facet, day, key) {
        grid_id -> Text,
        facet -> Text,
        day -> Date,
        key -> Text,
        tally -> Text,
    }
}

diesel::table! {
    case_rollup_days (day) {
        day -> Date,
    }
}

diesel::table! {
    enterprise_counts (grid_id) {
        grid_id -> Text,
        active -> Integer,
        incomplete -> Integer,
    }
}

diesel::table! {
    read_fences (user_id) {
        user_id -> Text,
        wrote_at -> Timestamp,
    }
}

diesel::table! {
    outbox_events (id) {
        id -> Text,
        occurred_at -> Timestamp,
        event_type -> Text,
        aggregate_type -> Text,
        aggregate_id -> Text,
        payload -> Text,
        request_id -> Nullable<Text>,
        delivered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    idempotency_keys (caller_id, operation, idem_key) {
        caller_id -> Text,
        operation -> Text,
        idem_key -> Text,
        fingerprint -> Text,
        claim_token -> Text,
        claimed_at -> Timestamp,
        completed_at -> Nullable<Timestamp>,
        response_status -> Nullable<Integer>,
        response_headers -> Nullable<Text>,
        response_body -> Nullable<Binary>,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    access_tokens (id) {
        id -> Text,
        user_id -> Text,
        name -> Text,
        token_hash -> Text,
        roles -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    departments (code) {
        code -> Text,
        name_zh -> Text,
        name_en -> Text,
        archived_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    case_categories (code) {
        code -> Text,
        parent_code -> Nullable<Text>,
        name_zh -> Text,
        name_en -> Text,
        departments -> Text,
        deadlines -> Text,
        archived_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    calendar_days (day) {
        day -> Date,
        kind -> Text,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    cases (id) {
        id -> Text,
        grid_id -> Text,
        category_code -> Text,
        severity -> Text,
        source -> Text,
        state -> Text,
        level -> Text,
        description -> Text,
        lat -> Nullable<Double>,
        lng -> Nullable<Double>,
        enterprise_id -> Nullable<Text>,
        reporter_id -> Nullable<Text>,
        assignee_id -> Nullable<Text>,
        rework_count -> Integer,
        reopened -> Bool,
        satisfaction -> Nullable<Text>,
        merged_into -> Nullable<Text>,
        fingerprint -> Text,
        reported_at -> Timestamp,
        accept_due_at -> Timestamp,
        report_in_due_at -> Nullable<Timestamp>,
        resolve_due_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
        dispatched_at -> Nullable<Timestamp>,
        resolved_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        held_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
        version -> Integer,
        overdue_escalated -> Text,
        hazard_id -> Nullable<Text>,
    }
}

diesel::table! {
    case_departments (case_id, department_code) {
        case_id -> Text,
        department_code -> Text,
        lead -> Bool,
        dispatched_at -> Timestamp,
        reported_in_at -> Nullable<Timestamp>,
        reported_in_by -> Nullable<Text>,
    }
}

diesel::table! {
    case_timeline (id) {
        id -> Text,
        case_id -> Text,
        occurred_at -> Timestamp,
        actor_id -> Nullable<Text>,
        actor_role -> Nullable<Text>,
        action -> Text,
        from_state -> Nullable<Text>,
        to_state -> Text,
        level -> Text,
        note -> Nullable<Text>,
        attachments -> Text,
        visibility -> Text,
        department_code -> Nullable<Text>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(cases, case_departments, users, case_timeline);
diesel::allow_tables_to_appear_in_same_query!(enterprise_counts, grids);

diesel::table! {
    attachments (id) {
        id -> Text,
        uploader_id -> Text,
        content_type -> Text,
        size_bytes -> Integer,
        sha256 -> Text,
        case_id -> Nullable<Text>,
        timeline_id -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
        owner_type -> Nullable<Text>,
        owner_id -> Nullable<Text>,
    }
}

diesel::table! {
    enterprise_profiles (enterprise_id, version) {
        enterprise_id -> Text,
        version -> Integer,
        content -> Text,
        changes -> Text,
        edited_by -> Nullable<Text>,
        edited_at -> Timestamp,
    }
}

diesel::table! {
    enterprise_visits (id) {
        id -> Text,
        enterprise_id -> Text,
        visitor_id -> Text,
        visited_at -> Timestamp,
        purpose -> Text,
        findings -> Text,
        lat -> Nullable<Double>,
        lng -> Nullable<Double>,
        attachments -> Text,
        fingerprint -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    inspection_templates (id) {
        id -> Text,
        name -> Text,
        version -> Integer,
        item_count -> Integer,
        archived_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    inspection_template_versions (template_id, version) {
        template_id -> Text,
        version -> Integer,
        content -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    inspection_schedules (id) {
        id -> Text,
        template_id -> Text,
        grid_id -> Text,
        enterprise_id -> Nullable<Text>,
        recurrence -> Text,
        starts_on -> Date,
        ends_on -> Nullable<Date>,
        opens_at -> Text,
        window_hours -> Integer,
        grace_hours -> Integer,
        assignee_user_id -> Nullable<Text>,
        assignee_role -> Nullable<Text>,
        materialized_until -> Nullable<Timestamp>,
        archived_at -> Nullable<Timestamp>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    inspection_occurrences (id) {
        id -> Text,
        schedule_id -> Text,
        template_id -> Text,
        grid_id -> Text,
        enterprise_id -> Nullable<Text>,
        assignee_user_id -> Nullable<Text>,
        assignee_role -> Nullable<Text>,
        opens_at -> Timestamp,
        closes_at -> Timestamp,
        missed_at -> Timestamp,
        state -> Text,
        inspection_id -> Nullable<Text>,
        done_at -> Nullable<Timestamp>,
        on_time -> Nullable<Bool>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        done_by -> Nullable<Text>,
    }
}

diesel::table! {
    inspections (id) {
        id -> Text,
        template_id -> Text,
        template_version -> Integer,
        occurrence_id -> Nullable<Text>,
        grid_id -> Text,
        enterprise_id -> Nullable<Text>,
        inspector_id -> Text,
        started_at -> Timestamp,
        finished_at -> Timestamp,
        lat -> Nullable<Double>,
        lng -> Nullable<Double>,
        answers -> Text,
        failed_count -> Integer,
        on_time -> Nullable<Bool>,
        fingerprint -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    hazards (id) {
        id -> Text,
        inspection_id -> Text,
        item_key -> Text,
        grid_id -> Text,
        enterprise_id -> Nullable<Text>,
        severity -> Text,
        state -> Text,
        description -> Text,
        rectify_due_at -> Timestamp,
        responsible_person_id -> Nullable<Text>,
        case_id -> Nullable<Text>,
        rectified_at -> Nullable<Timestamp>,
        verified_at -> Nullable<Timestamp>,
        evidence -> Text,
        note -> Nullable<Text>,
        reopened_count -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::allow_tables_to_appear_in_same_query!(inspection_occurrences, inspections);
diesel::table! {
    disputes (id) {
        id -> Text,
        grid_id -> Text,
        enterprise_id -> Nullable<Text>,
        category_code -> Text,
        summary -> Text,
        parties -> Text,
        amount_yuan -> Nullable<Double>,
        employees_involved -> Integer,
        mediator_id -> Text,
        state -> Text,
        outcome -> Nullable<Text>,
        outcome_terms -> Nullable<Text>,
        closed_at -> Nullable<Timestamp>,
        follow_up_on -> Nullable<Date>,
        case_id -> Nullable<Text>,
        opened_on -> Date,
        fingerprint -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    dispute_sessions (id) {
        id -> Text,
        dispute_id -> Text,
        held_on -> Date,
        notes -> Text,
        attendees -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(enterprise_profiles, users);
diesel::allow_tables_to_appear_in_same_query!(enterprise_visits, users);

diesel::table! {
    talks (id) {
        id -> Text,
        grid_id -> Text,
        enterprise_id -> Nullable<Text>,
        dispute_id -> Nullable<Text>,
        held_on -> Date,
        topic -> Text,
        subject -> Text,
        notes -> Text,
        risk -> Text,
        follow_up_on -> Nullable<Date>,
        talker_id -> Text,
        fingerprint -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    policies (id) {
        id -> Text,
        title -> Text,
        summary -> Text,
        body -> Text,
        source_level -> Text,
        effective_on -> Date,
        tags -> Text,
        industries -> Text,
        roles -> Text,
        zone_wide -> Bool,
        published_by -> Nullable<Text>,
        fingerprint -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    policy_grids (policy_id, grid_id) {
        policy_id -> Text,
        grid_id -> Text,
        grid_code -> Text,
    }
}

diesel::table! {
    policy_acknowledgements (policy_id, user_id) {
        policy_id -> Text,
        user_id -> Text,
        acknowledged_at -> Timestamp,
    }
}

diesel::table! {
    policy_briefings (id) {
        id -> Text,
        policy_id -> Text,
        grid_id -> Text,
        held_on -> Date,
        attendee_count -> Integer,
        notes -> Nullable<Text>,
        attachments -> Text,
        created_by -> Nullable<Text>,
        fingerprint -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(policy_grids -> policies (policy_id));
diesel::allow_tables_to_appear_in_same_query!(policies, policy_grids, policy_acknowledgements);

diesel::joinable!(inspection_occurrences -> inspection_templates (template_id));
diesel::allow_tables_to_appear_in_same_query!(inspection_occurrences, inspection_templates);

diesel::table! {
    sync_changes (seq) {
        seq -> BigInt,
        entity -> Text,
        entity_id -> Text,
        grid_id -> Nullable<Text>,
        department_code -> Nullable<Text>,
        changed_at -> Timestamp,
    }
}

diesel::table! {
    integrators (id) {
        id -> Text,
        name -> Text,
        scopes -> Text,
        disabled -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    integrator_keys (id) {
        id -> Text,
        integrator_id -> Text,
        key_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    enrolments (id) {
        id -> Text,
        integrator_id -> Text,
        grid_id -> Text,
        platform_rider_id -> Text,
        name -> Text,
        mobile -> Text,
        location_consent_at -> Timestamp,
        state -> Text,
        reason -> Nullable<Text>,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        withdrawn_at -> Nullable<Timestamp>,
        person_id -> Nullable<Text>,
        user_id -> Nullable<Text>,
        assignment_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    integrator_cases (case_id) {
        case_id -> Text,
        integrator_id -> Text,
        via -> Text,
        reported_at -> Timestamp,
    }
}

diesel::joinable!(integrator_keys -> integrators (integrator_id));
diesel::joinable!(integrator_cases -> cases (case_id));
diesel::allow_tables_to_appear_in_same_query!(
    integrators,
    integrator_keys,
    enrolments,
    integrator_cases
);
diesel::allow_tables_to_appear_in_same_query!(integrator_cases, cases);
diesel::allow_tables_to_appear_in_same_query!(integrator_cases, case_timeline);

diesel::table! {
    webhooks (id) {
        id -> Text,
        integrator_id -> Text,
        url -> Text,
        event_types -> Text,
        secret -> Text,
        disabled -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        webhook_id -> Text,
        event_id -> Text,
        event_type -> Text,
        payload -> Text,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Nullable<Timestamp>,
        leased_until -> Nullable<Timestamp>,
        last_status -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        delivered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhook_attempts (id) {
        id -> Text,
        delivery_id -> Text,
        attempted_at -> Timestamp,
        status -> Nullable<Integer>,
        error -> Nullable<Text>,
        duration_ms -> Integer,
    }
}

diesel::joinable!(webhook_deliveries -> webhooks (webhook_id));
diesel::allow_tables_to_appear_in_same_query!(webhooks, webhook_deliveries, webhook_attempts);
diesel::allow_tables_to_appear_in_same_query!(integrator_cases, webhooks);

diesel::table! {
    assessment_schemes (level, version) {
        level -> Text,
        version -> Integer,
        weights -> Text,
        commend_at -> Integer,
        review_below -> Integer,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    assessment_months (month) {
        month -> Text,
        computed_at -> Timestamp,
        closed_at -> Nullable<Timestamp>,
        closed_by -> Nullable<Text>,
    }
}

diesel::table! {
    scorecards (month, level, position) {
        month -> Text,
        level -> Text,
        position -> Integer,
        grid_id -> Text,
        subject_id -> Text,
        scheme_version -> Integer,
        measures -> Text,
        total -> Nullable<Integer>,
        rank -> Nullable<Integer>,
        flag -> Nullable<Text>,
    }
}
diesel::allow_tables_to_appear_in_same_query!(hazards, inspections);
diesel::allow_tables_to_appear_in_same_query!(scorecards, assessment_months);

diesel::table! {
    training_courses (id) {
        id -> Text,
        kind -> Text,
        title -> Text,
        description -> Nullable<Text>,
        hours -> Nullable<Integer>,
        pass_score -> Nullable<Integer>,
        archived_at -> Nullable<Timestamp>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    training_sessions (id) {
        id -> Text,
        course_id -> Text,
        starts_at -> Timestamp,
        place -> Nullable<Text>,
        grid_id -> Nullable<Text>,
        trainer -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    training_records (id) {
        id -> Text,
        person_id -> Text,
        course_id -> Text,
        course_kind -> Text,
        session_id -> Nullable<Text>,
        completed_at -> Timestamp,
        score -> Nullable<Integer>,
        passed -> Bool,
        recorded_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(training_records -> training_courses (course_id));
diesel::allow_tables_to_appear_in_same_query!(training_records, training_courses);
diesel::allow_tables_to_appear_in_same_query!(training_records, assignments);

diesel::table! {
    party_branches (id) {
        id -> Text,
        name -> Text,
        grid_id -> Text,
        grid_code -> Text,
        founded_on -> Nullable<Date>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    party_members (branch_id, person_id) {
        branch_id -> Text,
        person_id -> Text,
        role -> Text,
        joined_on -> Nullable<Date>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    party_candidates (id) {
        id -> Text,
        branch_id -> Text,
        person_id -> Text,
        period -> Text,
        reason -> Nullable<Text>,
        nominated_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    party_activities (id) {
        id -> Text,
        branch_id -> Text,
        title -> Text,
        held_on -> Date,
        place -> Nullable<Text>,
        attendee_count -> Integer,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    party_attendance (activity_id, person_id) {
        activity_id -> Text,
        person_id -> Text,
    }
}

diesel::allow_tables_to_appear_in_same_query!(party_members, people);
diesel::allow_tables_to_appear_in_same_query!(party_candidates, people);
diesel::joinable!(party_members -> people (person_id));
diesel::joinable!(party_candidates -> people (person_id));

diesel::table! {
    organisations (id) {
        id -> Text,
        kind -> Text,
        name -> Text,
        contact -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    organisation_members (organisation_id, person_id) {
        organisation_id -> Text,
        person_id -> Text,
        joined_on -> Nullable<Date>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(organisation_members -> people (person_id));
diesel::allow_tables_to_appear_in_same_query!(organisation_members, people);

diesel::table! {
    enterprise_accounts (enterprise_id, user_id) {
        enterprise_id -> Text,
        user_id -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    service_requests (case_id) {
        case_id -> Text,
        enterprise_id -> Text,
        stage -> Text,
    }
}

diesel::joinable!(enterprise_accounts -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(enterprise_accounts, users);
diesel::joinable!(service_requests -> cases (case_id));
diesel::allow_tables_to_appear_in_same_query!(service_requests, cases);
diesel::allow_tables_to_appear_in_same_query!(service_requests, case_departments);
diesel::allow_tables_to_appear_in_same_query!(enterprise_accounts, enterprises);
diesel::allow_tables_to_appear_in_same_query!(enterprise_accounts, people);
diesel::allow_tables_to_appear_in_same_query!(cases, grids);
diesel::allow_tables_to_appear_in_same_query!(case_timeline, grids);
