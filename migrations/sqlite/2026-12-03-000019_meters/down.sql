DROP TABLE meter_readings;
DROP TABLE meters;
