//! Tables, kept by hand with the types both backends share: ids and JSON as
//! `Text`, UTC `Timestamp`, `Double` coordinates.

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        name -> Text,
        password_hash -> Text,
        roles -> Text,
        active -> Bool,
        token_version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Text,
        user_id -> Text,
        family_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    customers (id) {
        id -> Text,
        kind -> Text,
        segment -> Text,
        name -> Text,
        legal_name -> Nullable<Text>,
        tax_id -> Nullable<Text>,
        legal_address -> Nullable<Text>,
        notes -> Nullable<Text>,
        tags -> Text,
        search_text -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        archived_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sites (id) {
        id -> Text,
        customer_id -> Text,
        label -> Nullable<Text>,
        address_line1 -> Text,
        address_line2 -> Nullable<Text>,
        city -> Text,
        postal_code -> Nullable<Text>,
        latitude -> Nullable<Double>,
        longitude -> Nullable<Double>,
        access_notes -> Nullable<Text>,
        search_text -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        archived_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    contacts (id) {
        id -> Text,
        customer_id -> Text,
        site_id -> Nullable<Text>,
        name -> Text,
        phones -> Text,
        email -> Nullable<Text>,
        role -> Nullable<Text>,
        availability -> Nullable<Text>,
        preferred_channel -> Nullable<Text>,
        consent_service -> Bool,
        consent_marketing -> Bool,
        search_text -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        archived_at -> Nullable<Timestamp>,
        opted_out -> Text,
        locale -> Nullable<Text>,
    }
}

diesel::table! {
    equipment (id) {
        id -> Text,
        customer_id -> Text,
        site_id -> Text,
        kind -> Text,
        model -> Nullable<Text>,
        serial_number -> Nullable<Text>,
        installed_on -> Nullable<Date>,
        status -> Text,
        notes -> Nullable<Text>,
        search_text -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        archived_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    events (id) {
        id -> Text,
        occurred_at -> Timestamp,
        actor_id -> Nullable<Text>,
        customer_id -> Nullable<Text>,
        entity_type -> Text,
        entity_id -> Text,
        action -> Text,
        changes -> Text,
    }
}

diesel::table! {
    agreements (id) {
        id -> Text,
        customer_id -> Text,
        kind -> Text,
        text -> Text,
        amount -> Nullable<BigInt>,
        currency -> Text,
        percent -> Nullable<Double>,
        valid_until -> Nullable<Date>,
        follow_up_on -> Nullable<Date>,
        status -> Text,
        honoured_work_order_id -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    reminders (id) {
        id -> Text,
        customer_id -> Text,
        kind -> Text,
        status -> Text,
        due_on -> Date,
        note -> Nullable<Text>,
        equipment_id -> Nullable<Text>,
        agreement_id -> Nullable<Text>,
        work_order_id -> Nullable<Text>,
        converted_work_order_id -> Nullable<Text>,
        snoozed_until -> Nullable<Date>,
        dismiss_reason -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        plan_id -> Nullable<Text>,
        about_at -> Nullable<Timestamp>,
        urgent -> Bool,
    }
}

diesel::table! {
    maintenance_plans (id) {
        id -> Text,
        equipment_id -> Text,
        customer_id -> Text,
        service_kind -> Text,
        scope_lines -> Text,
        estimated_minutes -> Nullable<Integer>,
        required_skills -> Text,
        lead_days -> Integer,
        notify_customer -> Bool,
        active -> Bool,
        ends_on -> Nullable<Date>,
        recurrence_kind -> Text,
        rrule -> Nullable<Text>,
        starts_on -> Nullable<Date>,
        every -> Nullable<Integer>,
        unit -> Nullable<Text>,
        last_completed_on -> Nullable<Date>,
        next_due_on -> Nullable<Date>,
        appear_on -> Nullable<Date>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        meter_id -> Nullable<Text>,
        every_units -> Nullable<Double>,
        baseline_total -> Nullable<Double>,
        forecast_on -> Nullable<Date>,
        forecast_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    work_orders (id) {
        id -> Text,
        customer_id -> Text,
        site_id -> Text,
        equipment_ids -> Text,
        status -> Text,
        priority -> Text,
        scope_lines -> Text,
        total -> BigInt,
        currency -> Text,
        estimated_minutes -> Nullable<Integer>,
        required_skills -> Text,
        engineer_notes -> Nullable<Text>,
        time_wishes -> Nullable<Text>,
        reminder_id -> Nullable<Text>,
        status_reason -> Nullable<Text>,
        postponed_until -> Nullable<Date>,
        postponed_from -> Nullable<Text>,
        completion_summary -> Nullable<Text>,
        next_step -> Nullable<Text>,
        version -> BigInt,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        time_windows -> Text,
        kind -> Text,
        agreed_at -> Nullable<Timestamp>,
        scheduled_at -> Nullable<Timestamp>,
        completed_at -> Nullable<Timestamp>,
        previous_completed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    customer_totals (customer_id) {
        customer_id -> Text,
        first_completed_at -> Timestamp,
        last_completed_at -> Timestamp,
        orders -> BigInt,
        revenue -> BigInt,
    }
}

diesel::table! {
    link_versions (kind, entity_id) {
        kind -> Text,
        entity_id -> Text,
        version -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    devices (id) {
        id -> Text,
        equipment_id -> Text,
        customer_id -> Text,
        name -> Text,
        revoked_at -> Nullable<Timestamp>,
        last_seen_at -> Nullable<Timestamp>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    device_signatures (device_id, signature) {
        device_id -> Text,
        signature -> Text,
        seen_at -> Timestamp,
    }
}

diesel::table! {
    meters (id) {
        id -> Text,
        equipment_id -> Text,
        customer_id -> Text,
        kind -> Text,
        mode -> Text,
        unit -> Text,
        name -> Nullable<Text>,
        low -> Nullable<Double>,
        high -> Nullable<Double>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    meter_readings (id) {
        id -> Text,
        meter_id -> Text,
        value -> Double,
        read_at -> Timestamp,
        kind -> Text,
        source -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        total -> Double,
    }
}

diesel::table! {
    service_requests (reminder_id) {
        reminder_id -> Text,
        equipment_id -> Text,
        customer_id -> Text,
        what -> Text,
        callback_phone -> Nullable<Text>,
        photo_key -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    customer_years (customer_id, year) {
        customer_id -> Text,
        year -> Integer,
        orders -> BigInt,
        revenue -> BigInt,
    }
}

diesel::table! {
    analytics_days (day, name) {
        day -> Date,
        name -> Text,
        payload -> Text,
    }
}

diesel::table! {
    engineer_profiles (user_id) {
        user_id -> Text,
        skills -> Text,
        work_days -> Text,
        shift_start -> Text,
        shift_end -> Text,
        break_start -> Nullable<Text>,
        break_minutes -> Integer,
        start_latitude -> Double,
        start_longitude -> Double,
        start_label -> Nullable<Text>,
        end_latitude -> Nullable<Double>,
        end_longitude -> Nullable<Double>,
        max_visits -> Nullable<Integer>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    calendar_feeds (engineer_id) {
        engineer_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    company_settings (id) {
        id -> Text,
        settings -> Text,
        version -> BigInt,
        updated_by -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    route_plans (id) {
        id -> Text,
        created_by -> Text,
        first_day -> Date,
        last_day -> Date,
        status -> Text,
        proposal -> Text,
        accepted_engineer_ids -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    visits (id) {
        id -> Text,
        work_order_id -> Text,
        engineer_id -> Text,
        planned_start -> Timestamp,
        planned_end -> Timestamp,
        on_site_contact_id -> Nullable<Text>,
        status -> Text,
        travel_started_at -> Nullable<Timestamp>,
        arrived_at -> Nullable<Timestamp>,
        finished_at -> Nullable<Timestamp>,
        outcome -> Nullable<Text>,
        result_notes -> Nullable<Text>,
        lines_done -> Text,
        parts_used -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        customer_response -> Nullable<Text>,
        customer_response_note -> Nullable<Text>,
        customer_responded_at -> Nullable<Timestamp>,
        recommendations -> Nullable<Text>,
        customer_rating -> Nullable<Integer>,
        customer_comment -> Nullable<Text>,
        booking_version -> Integer,
    }
}

diesel::table! {
    notifications (id) {
        id -> Text,
        dedupe_key -> Text,
        customer_id -> Nullable<Text>,
        contact_id -> Nullable<Text>,
        work_order_id -> Nullable<Text>,
        visit_id -> Nullable<Text>,
        event -> Text,
        channel -> Text,
        kind -> Text,
        locale -> Text,
        recipient -> Text,
        subject -> Nullable<Text>,
        body -> Text,
        urgent -> Bool,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Nullable<Timestamp>,
        claimed_by -> Nullable<Text>,
        provider_id -> Nullable<Text>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        attachments -> Text,
        campaign_id -> Nullable<Text>,
    }
}

diesel::table! {
    certificates (id) {
        id -> Text,
        work_order_id -> Text,
        number -> Text,
        year -> Integer,
        sequence -> Integer,
        file_key -> Text,
        sha256 -> Text,
        size_bytes -> BigInt,
        locale -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    notification_attempts (id) {
        id -> Text,
        notification_id -> Text,
        number -> Integer,
        started_at -> Timestamp,
        finished_at -> Timestamp,
        outcome -> Text,
        error -> Nullable<Text>,
        provider_id -> Nullable<Text>,
    }
}

diesel::table! {
    notification_templates (event, channel, locale) {
        event -> Text,
        channel -> Text,
        locale -> Text,
        subject -> Nullable<Text>,
        body -> Text,
        updated_by -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    visit_files (id) {
        id -> Text,
        visit_id -> Text,
        kind -> Text,
        file_key -> Text,
        content_type -> Text,
        width -> Integer,
        height -> Integer,
        size_bytes -> BigInt,
        client_id -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    client_requests (user_id, client_id) {
        user_id -> Text,
        client_id -> Text,
        work_order_id -> Text,
        action -> Text,
        created_at -> Timestamp,
        body_hash -> Text,
    }
}

diesel::table! {
    login_failures (key) {
        key -> Text,
        failures -> Integer,
        first_failure -> Timestamp,
        blocked_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    segments (id) {
        id -> Text,
        name -> Text,
        definition -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    campaigns (id) {
        id -> Text,
        segment_id -> Text,
        channel -> Text,
        subject -> Nullable<Text>,
        body -> Text,
        customers -> Integer,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    surveys (id) {
        id -> Text,
        customer_id -> Text,
        contact_id -> Nullable<Text>,
        asked_at -> Timestamp,
        score -> Nullable<Integer>,
        comment -> Nullable<Text>,
        answered_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(engineer_profiles -> users (user_id));
diesel::joinable!(sites -> customers (customer_id));
diesel::joinable!(contacts -> customers (customer_id));
diesel::joinable!(equipment -> customers (customer_id));
diesel::joinable!(equipment -> sites (site_id));
diesel::joinable!(events -> customers (customer_id));
diesel::joinable!(events -> users (actor_id));
diesel::joinable!(reminders -> customers (customer_id));
diesel::joinable!(work_orders -> customers (customer_id));
diesel::joinable!(work_orders -> sites (site_id));
diesel::joinable!(visits -> work_orders (work_order_id));
diesel::joinable!(visits -> users (engineer_id));
diesel::joinable!(agreements -> customers (customer_id));
diesel::joinable!(maintenance_plans -> equipment (equipment_id));
diesel::joinable!(maintenance_plans -> customers (customer_id));
diesel::joinable!(notification_attempts -> notifications (notification_id));

diesel::table! {
    import_keys (source, entity, external_id) {
        source -> Text,
        entity -> Text,
        external_id -> Text,
        id -> Text,
        imported_at -> Timestamp,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Text,
        at -> Timestamp,
        request_id -> Text,
        user_id -> Nullable<Text>,
        method -> Text,
        route -> Text,
        path -> Text,
        status -> Integer,
        address -> Text,
        forwarded_for -> Nullable<Text>,
        user_agent -> Nullable<Text>,
    }
}

diesel::joinable!(audit_events -> users (user_id));

diesel::table! {
    parts (id) {
        id -> Text,
        sku -> Text,
        name -> Text,
        names -> Text,
        unit -> Text,
        kind -> Text,
        price -> BigInt,
        cost -> BigInt,
        currency -> Text,
        compatible -> Text,
        barcode -> Nullable<Text>,
        search_text -> Text,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    stock_locations (id) {
        id -> Text,
        kind -> Text,
        name -> Text,
        engineer_id -> Nullable<Text>,
        address -> Nullable<Text>,
        allow_negative -> Bool,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    stock_levels (location_id, part_id) {
        location_id -> Text,
        part_id -> Text,
        on_hand -> BigInt,
        minimum -> Nullable<BigInt>,
        updated_at -> Timestamp,
        reserved -> BigInt,
    }
}

diesel::table! {
    parts_used (visit_id, part_id) {
        visit_id -> Text,
        part_id -> Text,
        work_order_id -> Text,
        engineer_id -> Text,
        used_at -> Timestamp,
        month -> Text,
        quantity -> BigInt,
        revenue -> BigInt,
        cost -> BigInt,
        currency -> Text,
    }
}

diesel::table! {
    stock_alerts (location_id, part_id) {
        location_id -> Text,
        part_id -> Text,
        since -> Timestamp,
    }
}

diesel::table! {
    stock_reservations (work_order_id, part_id) {
        work_order_id -> Text,
        part_id -> Text,
        location_id -> Text,
        quantity -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    stock_movements (id) {
        id -> Text,
        batch_id -> Text,
        part_id -> Text,
        location_id -> Text,
        kind -> Text,
        quantity -> BigInt,
        on_hand_after -> BigInt,
        reason -> Nullable<Text>,
        work_order_id -> Nullable<Text>,
        actor_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(stock_levels -> parts (part_id));
diesel::joinable!(stock_levels -> stock_locations (location_id));
diesel::joinable!(stock_movements -> parts (part_id));
diesel::joinable!(stock_movements -> users (actor_id));
diesel::joinable!(stock_reservations -> parts (part_id));
diesel::joinable!(stock_reservations -> stock_locations (location_id));

diesel::allow_tables_to_appear_in_same_query!(
    parts,
    stock_locations,
    stock_levels,
    stock_movements,
    stock_reservations,
    stock_alerts,
    parts_used,
    audit_events,
    link_versions,
    meters,
    meter_readings,
    devices,
    device_signatures,
    service_requests,
    import_keys,
    users,
    refresh_tokens,
    customers,
    sites,
    contacts,
    equipment,
    events,
    agreements,
    reminders,
    work_orders,
    visits,
    maintenance_plans,
    notifications,
    notification_attempts,
    notification_templates,
    certificates,
    visit_files,
    client_requests,
    login_failures,
    engineer_profiles,
    calendar_feeds,
    route_plans,
    company_settings,
    segments,
    campaigns,
    surveys,
);
