CREATE OR REPLACE TABLE ref.sessions (
    calendar VARCHAR NOT NULL,
    session_date DATE NOT NULL,
    PRIMARY KEY (calendar, session_date)
);
