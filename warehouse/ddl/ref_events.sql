CREATE OR REPLACE TABLE ref.events (
    event_id VARCHAR PRIMARY KEY,
    event_date DATE NOT NULL,
    name VARCHAR NOT NULL
);
COMMENT ON TABLE ref.events IS 'Reference events that mart_index_event_returns measures returns from.';
COMMENT ON COLUMN ref.events.event_id IS 'Event id used in the marts (ytd_2025, deepseek_r1, tariff_low, ...).';
COMMENT ON COLUMN ref.events.event_date IS 'Date of the event; returns are measured from the last close on or before it.';
COMMENT ON COLUMN ref.events.name IS 'What happened, in English.';
