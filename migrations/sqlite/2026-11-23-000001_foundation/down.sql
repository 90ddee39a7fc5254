DROP TABLE events;
DROP TABLE equipment;
DROP TABLE contacts;
DROP TABLE sites;
DROP TABLE customers;
DROP TABLE refresh_tokens;
DROP TABLE users;
