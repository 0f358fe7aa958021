#!/usr/bin/python
# -*- coding: utf-8 -*-

# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: lambda_package
short_description: Build a reproducible Lambda deployment package (zip) from a source directory
version_added: 0.1.0
description:
  - Zips the files of O(src) matching O(patterns) into O(dest) so that the same sources always
    give the same bytes - entries sorted, fixed timestamps and permissions, no directory entries -
    and so the same C(CodeSha256) in Lambda. M(amazon.aws.lambda) then updates the function only
    when the code really changed.
  - Writes O(dest) only when its content would differ.
author:
  - payments.dr maintainers (@payments-dr)
options:
  src:
    description: Directory holding the function's sources.
    required: true
    type: path
  dest:
    description: Path of the zip file to write.
    required: true
    type: path
  patterns:
    description: Shell patterns of the files to include, relative to O(src).
    type: list
    elements: str
    default: ['*.py']
"""

EXAMPLES = r"""
- name: Package the payment-validation function
  payments.dr.lambda_package:
    src: "{{ role_path }}/../../files/lambda"
    dest: /tmp/payments-validate.zip
  delegate_to: localhost
"""

RETURN = r"""
dest:
  description: Path of the package.
  returned: always
  type: str
code_sha256:
  description: Base64 SHA-256 of the package, as Lambda reports it in C(CodeSha256).
  returned: always
  type: str
files:
  description: Files in the package, in order.
  returned: always
  type: list
  elements: str
"""

import base64
import fnmatch
import hashlib
import io
import os
import zipfile

from ansible.module_utils.basic import AnsibleModule

# 1980-01-01 00:00:00, the earliest time a zip entry can hold.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def collect(src, patterns):
    files = []
    for root, dirs, names in os.walk(src):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
        for name in names:
            relative = os.path.relpath(os.path.join(root, name), src)
            if any(fnmatch.fnmatch(relative, pattern) for pattern in patterns):
                files.append(relative)
    return sorted(files)


def build(src, files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for relative in files:
            entry = zipfile.ZipInfo(relative.replace(os.sep, "/"), date_time=FIXED_TIME)
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            with open(os.path.join(src, relative), "rb") as handle:
                archive.writestr(entry, handle.read())
    return buffer.getvalue()


def main():
    module = AnsibleModule(
        argument_spec=dict(
            src=dict(type="path", required=True),
            dest=dict(type="path", required=True),
            patterns=dict(type="list", elements="str", default=["*.py"]),
        ),
        supports_check_mode=True,
    )
    src, dest = module.params["src"], module.params["dest"]
    if not os.path.isdir(src):
        module.fail_json(msg="src %s is not a directory" % src)
    files = collect(src, module.params["patterns"])
    if not files:
        module.fail_json(msg="no file in %s matches %s" % (src, module.params["patterns"]))
    package = build(src, files)
    current = None
    if os.path.exists(dest):
        with open(dest, "rb") as handle:
            current = handle.read()
    changed = current != package
    if changed and not module.check_mode:
        directory = os.path.dirname(dest)
        if directory and not os.path.isdir(directory):
            os.makedirs(directory)
        with open(dest + ".tmp", "wb") as handle:
            handle.write(package)
        os.rename(dest + ".tmp", dest)
    module.exit_json(changed=changed, dest=dest, files=files,
                     code_sha256=base64.b64encode(hashlib.sha256(package).digest()).decode("ascii"))


if __name__ == "__main__":
    main()
