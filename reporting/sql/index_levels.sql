-- Daily closes of every index up to the report date, for the rebased performance chart.
WITH source AS (
    SELECT index_code, trade_date, close
    FROM mart_index_performance
    WHERE trade_date <= $as_of
),

final AS (
    SELECT s.index_code, i.name, i.is_proxy, s.trade_date, s.close
    FROM source AS s
    INNER JOIN ref_indices AS i USING (index_code)
    ORDER BY s.index_code, s.trade_date
)

SELECT * FROM final
