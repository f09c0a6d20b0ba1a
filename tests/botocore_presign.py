"""Pre-signs requests with botocore's own `generate_presigned_url`, the reference for what each S3
operation accepts and how it is signed, at a frozen signing time.

Arguments: ACCESS_KEY SECRET_KEY [SESSION_TOKEN].
Input (stdin): JSON lines {"operation": "upload_part", "params": {...boto3 Params...},
"region": "eu-west-1", "signed_at": "2025-06-01T12:34:56Z", "expires_in": 3600}.
`params["SSECustomerKey"]`, when present, is the base64 of the key; its MD5 is computed here and
passed too, so that every operation sends the key as S3 documents it (botocore converts a raw key
only for some operations, not for ListParts).
Output: one JSON line per input, in order: {"url": "..."} or {"refused": "why"} when botocore's
model has no such parameter for the operation (or refuses its value).
"""
import base64
import datetime
import hashlib
import json
import sys

import botocore.auth
import botocore.session
from botocore.config import Config
from botocore.exceptions import ParamValidationError

ACCESS_KEY, SECRET_KEY = sys.argv[1], sys.argv[2]
SESSION_TOKEN = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] else None
session = botocore.session.get_session()
clients = {}


def client(region):
    if region not in clients:
        clients[region] = session.create_client(
            "s3",
            region_name=region,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            aws_session_token=SESSION_TOKEN,
            config=Config(
                signature_version="s3v4",
                s3={"addressing_style": "virtual", "us_east_1_regional_endpoint": "regional"},
            ),
        )
    return clients[region]


def presign(request):
    signed_at = datetime.datetime.strptime(request["signed_at"], "%Y-%m-%dT%H:%M:%SZ")
    botocore.auth.get_current_datetime = lambda: signed_at
    params = dict(request["params"])
    if "SSECustomerKey" in params:
        raw = base64.b64decode(params["SSECustomerKey"])
        params["SSECustomerKeyMD5"] = base64.b64encode(hashlib.md5(raw).digest()).decode()
    try:
        url = client(request["region"]).generate_presigned_url(
            request["operation"], Params=params, ExpiresIn=request["expires_in"]
        )
    except ParamValidationError as e:
        return {"refused": str(e).replace("\n", " ")}
    return {"url": url}


for line in sys.stdin:
    print(json.dumps(presign(json.loads(line))), flush=False)
