connection "coupang" {
  plugin = "local/coupang"

  # Your Coupang seller ID (업체코드), like A00012345: Coupang Wing > Open API key.
  # Falls back to the COUPANG_VENDOR_ID environment variable.
  # vendor_id = "A00012345"

  # The Open API access key and secret key issued with it in Wing. The plugin never logs the secret
  # key nor shows it in an error, but Steampipe logs this whole block at TRACE (the standalone
  # Postgres FDW at INFO): set COUPANG_SECRET_KEY instead to keep the key out of every log.
  # Coupang accepts calls only from IP addresses registered for the key.
  # Fall back to COUPANG_ACCESS_KEY and COUPANG_SECRET_KEY.
  # access_key = "00000000-0000-0000-0000-000000000000"
  # secret_key = "0000000000000000000000000000000000000000"

  # The API host. Falls back to COUPANG_BASE_URL; default "https://api-gateway.coupang.com".
  # http:// is accepted only for loopback hosts, such as the offline sandbox (cmd/coupang-sandbox).
  # base_url = "https://api-gateway.coupang.com"

  # Days looked back, today included (Korean calendar days), when a query gives neither an option ID
  # (vendor_item_id) nor a lower bound on inquiry_at: a whole number from 1 to 365, default 7.
  # No environment variable.
  # default_lookback_days = 7
}

# Rate limits, as Steampipe reads them (the export command reads them too). Every request waits on
# the seller's budget on this machine: 4 requests per second, Coupang's safe rate (COUPANG_RATE_LIMIT
# sets it). A limiter named coupang_api adds a Steampipe limiter that every request waits on too;
# uncomment to go slower, for example when other tools share the same Wing key.
# plugin "local/coupang" {
#   limiter "coupang_api" {
#     fill_rate   = 1    # requests per second
#     bucket_size = 1    # burst
#     scope       = ["connection"]
#   }
# }
