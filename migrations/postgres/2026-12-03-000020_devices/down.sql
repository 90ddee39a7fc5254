DROP TABLE device_signatures;
DROP TABLE devices;
