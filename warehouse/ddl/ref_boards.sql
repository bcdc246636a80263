CREATE OR REPLACE TABLE ref.boards (
    board VARCHAR PRIMARY KEY,
    daily_limit DOUBLE,
    note VARCHAR
);
