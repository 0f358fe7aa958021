"""Building blocks of the payment-validation Lambda (stdlib + boto3 only).

apigw        proxy events in, JSON responses out
config       settings from the environment
currencies   embedded ISO 4217 table
validation   strict JSON parsing and field rules
rules        APPROVED / REVIEW / REJECTED decision
idempotency  idempotency key -> transaction id, request fingerprint
store        DynamoDB record + idempotency marker (one transaction), table health
notify       SNS alert for REVIEW / REJECTED
aws          cached boto3 clients
logs         one JSON log line per request
"""
