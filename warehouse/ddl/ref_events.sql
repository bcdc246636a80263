CREATE OR REPLACE TABLE ref.events (
    event_id VARCHAR PRIMARY KEY,
    event_date DATE NOT NULL,
    name VARCHAR NOT NULL
);
