# pip's own requirements-file reading, for differential tests: JSON list of texts on stdin,
# for each text the logical lines pip yields with the requirement and the options it parsed.
import json
import sys

from pip._internal.req.req_file import break_args_options, build_parser, preprocess, OptionParsingError
from pip._internal.req.constructors import parse_req_from_line
import shlex


def parse_line(line):
    args, options = break_args_options(line)
    parser = build_parser()
    try:
        opts, _ = parser.parse_args(shlex.split(options), parser.get_default_values())
    except (OptionParsingError, ValueError) as e:
        return {"args": args, "error": str(e)}
    out = {
        "args": args,
        "requirements": opts.requirements or [],
        "constraints": opts.constraints or [],
        "editables": opts.editables or [],
        "hashes": opts.hashes or [],
    }
    if args:
        try:
            # What `pip install -r` does with the requirement part: URLs, archive paths, PEP 508.
            parts = parse_req_from_line(args, None)
        except Exception as e:  # InstallationError, and ValueError from a URL it cannot split
            out["invalid"] = str(e).splitlines()[0]
            return out
        req = parts.requirement
        if req is None:
            out["invalid"] = "names no package"
            return out
        # packaging < 22 (pip < 24) still takes pre-PEP 440 versions as LegacySpecifier; pip 24 refuses them.
        if any(type(s).__name__ == "LegacySpecifier" for s in req.specifier):
            out["invalid"] = "legacy version specifier"
            return out
        out["name"] = req.name
        pins = [s.version for s in req.specifier if s.operator in ("==", "===") and not s.version.endswith("*")]
        out["pin"] = pins[0] if len(pins) == 1 else ""
        out["url"] = req.url or ""
    return out


def main():
    texts = json.load(sys.stdin)
    result = []
    for text in texts:
        result.append([[n, line, parse_line(line)] for n, line in preprocess(text)])
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
