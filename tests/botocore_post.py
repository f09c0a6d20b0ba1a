"""Makes a POST policy form with botocore's own `generate_presigned_post` at a frozen signing time,
the reference for `s3presign post`.

Arguments: ACCESS_KEY SECRET_KEY SESSION_TOKEN('' for none).
Input (stdin): one JSON object {"bucket", "key", "fields", "conditions", "expires_in", "region",
"signed_at" (RFC 3339 with Z)}.
Output: one JSON object {"url", "fields", "policy" (the decoded policy document)}.
"""
import base64
import datetime
import json
import sys

import botocore.auth
import botocore.session
import botocore.signers
from botocore.config import Config

ACCESS_KEY, SECRET_KEY = sys.argv[1], sys.argv[2]
SESSION_TOKEN = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] else None

request = json.load(sys.stdin)
signed_at = datetime.datetime.strptime(request["signed_at"], "%Y-%m-%dT%H:%M:%SZ")
botocore.auth.get_current_datetime = lambda: signed_at
botocore.signers.get_current_datetime = lambda: signed_at
client = botocore.session.get_session().create_client(
    "s3",
    region_name=request["region"],
    aws_access_key_id=ACCESS_KEY,
    aws_secret_access_key=SECRET_KEY,
    aws_session_token=SESSION_TOKEN,
    config=Config(signature_version="s3v4", s3={"addressing_style": "virtual"}),
)
post = client.generate_presigned_post(
    request["bucket"],
    request["key"],
    Fields=request["fields"],
    Conditions=request["conditions"],
    ExpiresIn=request["expires_in"],
)
post["policy"] = json.loads(base64.b64decode(post["fields"]["policy"]))
print(json.dumps(post))
