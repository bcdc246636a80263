CREATE OR REPLACE TABLE ref.suspensions (
    symbol VARCHAR NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    reason VARCHAR
);
