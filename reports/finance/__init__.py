"""Finance statements as files: the tables of `tourstack.finance` written as CSV or XLSX."""
