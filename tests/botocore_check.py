"""Signs every request of a s3presign batch again with botocore, an independent SigV4 signer,
and compares: same path, same query parameters, same signature.

Input (stdin): JSON lines {"request": {...batch request...}, "result": {...s3presign url record...}}.
Output: a summary line; exit status 1 if any URL differs.
"""
import datetime
import json
import sys
from urllib.parse import parse_qsl, quote, urlsplit

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ACCESS_KEY, SECRET_KEY = sys.argv[1], sys.argv[2]
SESSION_TOKEN = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] else None
credentials = Credentials(ACCESS_KEY, SECRET_KEY, SESSION_TOKEN)


def botocore_url(request, result):
    signed_at = datetime.datetime.strptime(result["signed_at"], "%Y-%m-%dT%H:%M:%SZ")
    botocore.auth.get_current_datetime = lambda: signed_at
    region = result["region"]
    url = "https://%s.s3.%s.amazonaws.com/%s" % (request["bucket"], region, quote(request["key"], safe="/~"))
    if request.get("version_id"):
        url += "?versionId=" + quote(request["version_id"], safe="-_.~")
    headers = {}
    if request.get("content_type"):
        headers["Content-Type"] = request["content_type"]
    aws_request = AWSRequest(method=request.get("verb", "GET").upper(), url=url, headers=headers)
    auth = botocore.auth.S3SigV4QueryAuth(credentials, "s3", region, expires=result["expires_in_seconds"])
    auth.add_auth(aws_request)
    return aws_request.url


def main():
    checked = failed = 0
    for line in sys.stdin:
        pair = json.loads(line)
        ours = urlsplit(pair["result"]["url"])
        theirs = urlsplit(botocore_url(pair["request"], pair["result"]))
        ours_q, theirs_q = dict(parse_qsl(ours.query)), dict(parse_qsl(theirs.query))
        checked += 1
        if ours.netloc != theirs.netloc or ours.path != theirs.path or ours_q != theirs_q:
            failed += 1
            if failed <= 5:
                print("MISMATCH for %r\n  ours:     %s\n  botocore: %s" % (pair["request"], ours.geturl(), theirs.geturl()))
    print("botocore: %d passed, %d failed" % (checked - failed, failed))
    sys.exit(1 if failed or checked == 0 else 0)


main()
