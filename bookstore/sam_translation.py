"""template.yaml as CloudFormation deploys it: translated by AWS's own SAM translator (the library
`sam deploy` and CloudFormation's transform use), offline.

What tests and the security scan read, since what AWS creates (log groups, roles, schedules,
permissions) is the translation's output, not the SAM resources themselves.
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

from bookstore.template import TEMPLATE_PATH

# The region only fills in AWS::Region where the translator needs a value; nothing is deployed.
REGION = "us-east-1"
# The AWS-managed policies template.yaml names, as the translator would look them up in IAM.
MANAGED_POLICIES = {
    "AWSLambdaVPCAccessExecutionRole": (
        "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
    ),
}


def translated_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    """The translation of the template at `path` (a copy: callers may change it)."""
    return copy.deepcopy(_translate(path, path.stat().st_mtime_ns))


@cache
def _translate(path: Path, modified: int) -> dict[str, Any]:
    import boto3
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator
    from samtranslator.yaml_helper import yaml_parse

    template: dict[str, Any] = yaml_parse(path.read_text())
    # `sam build` and `sam package` put the code in S3 first; the translator insists on an S3 URI.
    for resource in template["Resources"].values():
        properties = resource.setdefault("Properties", {})
        if resource["Type"] == "AWS::Serverless::Function":
            properties["CodeUri"] = "s3://bookstore-build/function.zip"
        elif resource["Type"] == "AWS::Serverless::LayerVersion":
            properties["ContentUri"] = "s3://bookstore-build/layer.zip"
    translator = Translator(None, Parser(), boto_session=boto3.session.Session(region_name=REGION))
    translated: dict[str, Any] = translator.translate(
        template, parameter_values={}, get_managed_policy_map=lambda: MANAGED_POLICIES
    )
    return translated


def resources_of_type(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {
        logical_id: resource
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == resource_type
    }
