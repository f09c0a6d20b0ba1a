"""Presigns each case of the endpoint matrix (tests/endpoints/matrix.tsv) with botocore's
generate_presigned_url, reading the same environment, config and credentials files as s3presign,
at the same frozen signing time. One process for the whole matrix.

Input (stdin): JSON lines {"env": {...}, "region": str|null, "endpoint_url": str|null,
"s3": {...}, "use_fips": bool|null, "use_ssl": bool, "profile": str|null, "bucket": str,
"key": str, "expires": int, "signed_at": "YYYY-MM-DDTHH:MM:SSZ"}.
Output: one JSON line per case: {"url": "..."} or {"refused": "ExceptionType: message"}.

Four differences apply to every case; they are settled here so that everything else compares
like with like (the matrix's header names them):
- AWS_REGION: botocore reads only AWS_DEFAULT_REGION; the AWS CLI v2 and every other AWS SDK read
  AWS_REGION first. When a case sets it (and no --region), it is passed as the region name.
- No region anywhere: both sign for us-east-1, botocore on its global host; botocore is given
  us-east-1 so that the host compares like the rest (regional).
- us-east-1: botocore's default (`us_east_1_regional_endpoint = legacy`) is the global host
  s3.amazonaws.com; s3presign, like the Rust and .NET SDKs, uses the regional host. Unless a case
  sets the setting itself, botocore gets AWS_S3_US_EAST_1_REGIONAL_ENDPOINT=regional.
- Presigned URLs on the global host: botocore's generate_presigned_url moves virtual-hosted URLs
  of every aws-partition region to s3.amazonaws.com unless addressing_style is virtual
  (`signers._should_use_global_endpoint`), which makes S3 answer 307 redirects for new buckets;
  s3presign keeps the regional host the endpoint rules give. That step is turned off here.
"""
import datetime
import json
import os
import sys

import botocore.auth
import botocore.session
import botocore.signers
from botocore.config import Config

SETTING = "us_east_1_regional_endpoint"


def presign(case, loader):
    for name in [n for n in os.environ if n.startswith("AWS_")]:
        del os.environ[name]
    os.environ.update(case["env"])
    mentions_setting = SETTING in open(os.environ["AWS_CONFIG_FILE"]).read() or (
        "AWS_S3_US_EAST_1_REGIONAL_ENDPOINT" in case["env"]
    )
    if not mentions_setting:
        os.environ["AWS_S3_US_EAST_1_REGIONAL_ENDPOINT"] = "regional"
    region = case["region"]
    if region is None and case["env"].get("AWS_REGION"):
        region = case["env"]["AWS_REGION"]

    session = botocore.session.Session(profile=case["profile"])
    session.register_component("data_loader", loader)
    if region is None and session.get_config_variable("region") is None:
        region = "us-east-1"
    config_args = {"signature_version": "s3v4"}
    if case["s3"]:
        config_args["s3"] = case["s3"]
    if case["use_fips"] is not None:
        config_args["use_fips_endpoint"] = case["use_fips"]
    client = session.create_client(
        "s3",
        region_name=region,
        endpoint_url=case["endpoint_url"],
        use_ssl=case["use_ssl"],
        config=Config(**config_args),
    )
    signed_at = datetime.datetime.strptime(case["signed_at"], "%Y-%m-%dT%H:%M:%SZ")
    botocore.auth.get_current_datetime = lambda: signed_at
    return client.generate_presigned_url(
        "get_object",
        Params={"Bucket": case["bucket"], "Key": case["key"]},
        ExpiresIn=case["expires"],
    )


def main():
    botocore.signers._should_use_global_endpoint = lambda client: False
    loader = botocore.session.get_session().get_component("data_loader")
    for line in sys.stdin:
        case = json.loads(line)
        try:
            answer = {"url": presign(case, loader)}
        except Exception as e:  # every refusal is an answer to compare
            answer = {"refused": "%s: %s" % (type(e).__name__, e)}
        print(json.dumps(answer), flush=True)


main()
