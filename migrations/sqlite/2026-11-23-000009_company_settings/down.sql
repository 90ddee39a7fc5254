DROP TABLE company_settings;
