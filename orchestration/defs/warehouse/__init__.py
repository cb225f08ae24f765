"""The warehouse refresh: operational tables and gateway feeds ingested, then `dbt build`."""
