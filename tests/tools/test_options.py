#!/usr/bin/env python3
"""The command-line manners every tool shares (examples/common/options.h): options
anywhere among the operands, --opt=value, -- ending the options, one line and a hint
for a usage error (exit 3), -V/--version, -h/--help listing every short option, and
builtin:NAME wherever a policy is accepted."""
import os
import re

from toolstest import HERE, POLICY, main, run, write

TOOLS = ["mesura-screen", "mesura-redact", "mesura-lint", "mesura-explain", "mesura-normalize"]


def test_options_after_the_operands(tmp):
    # The policy after the file: the file is screened with that policy (its rule fires),
    # not read as posts itself.
    posts = write(tmp, "posts.txt", "we are launching Acme Cloud with a discount\n")
    out = run("mesura-screen", posts, "--format", "jsonl", "--policy", POLICY, "-q", status=1)
    assert '"rule":"promo"' in out.stdout.decode(), out.stdout
    out = run("mesura-screen", posts, f"--policy={POLICY}", "--format=jsonl", "-q", status=1)
    assert '"rule":"promo"' in out.stdout.decode(), out.stdout
    # mesura-explain: the words of the post, then the policy.
    out = run("mesura-explain", "Acme", "Cloud", "discount", "--policy", POLICY, status=1)
    assert "policy: tools-test" in out.stdout.decode(), out.stdout
    # mesura-lint: options between the policies.
    run("mesura-lint", POLICY, "--no-file-access", "builtin:pii", status=0)


def test_double_dash_ends_the_options(tmp):
    out = run("mesura-explain", "--", "--policy", "is", "not", "an", "option", status=0)
    assert '"--policy is not an option"' in out.stdout.decode(), out.stdout
    dashed = write(tmp, "-posts.txt", "hola\n")
    out = run("mesura-screen", "-q", "--format", "jsonl", "--", dashed, status=0)
    assert out.stdout.decode().count("\n") == 1


def test_usage_errors_are_one_line_and_a_hint(tmp):
    for name in TOOLS:
        for args, says in ((["--bogus"], "unknown option '--bogus'"),
                           (["-Z"], "unknown option '-Z'"),
                           (["--bogus=1"], "unknown option '--bogus'")):
            p = run(name, *args, status=3)
            err = p.stderr.decode()
            assert err == f"{name}: {says}\nTry '{name} --help' for more information.\n", err
            assert p.stdout == b""
    for name in ["mesura-screen", "mesura-redact", "mesura-explain"]:
        p = run(name, "--policy", status=3)
        assert p.stderr.decode().startswith(f"{name}: option '--policy' needs a value\n")
        p = run(name, "-p", status=3)
        assert p.stderr.decode().startswith(f"{name}: option '-p' needs a value\n")
    p = run("mesura-screen", "--redact=yes", status=3)
    assert p.stderr.decode().startswith("mesura-screen: option '--redact' takes no value\n")
    p = run("mesura-screen", "--threads", "0", status=3)
    p = run("mesura-screen", "--threads", "99999999999999999999", status=3)
    p = run("mesura-lint", status=3)
    assert "no policy to check" in p.stderr.decode()


def test_version(tmp):
    for name in TOOLS:
        for flag in ("-V", "--version"):
            out = run(name, flag, status=0).stdout.decode()
            assert re.fullmatch(name + r" \(mesura\) \d+\.\d+\.\d+\n"
                                r"libmesura \d+\.\d+\.\d+, Unicode \d+\.\d+\.\d+\n", out), out


def test_help_lists_every_short_option(tmp):
    shorts = {"mesura-screen": "hVpfjq", "mesura-redact": "hVpj", "mesura-lint": "hVt",
              "mesura-explain": "hVp", "mesura-normalize": "hV"}
    for name in TOOLS:
        for flag in ("-h", "--help"):
            text = run(name, flag, status=0).stdout.decode()
            assert text.startswith("usage: " + name), text[:80]
            for c in shorts[name]:
                assert re.search(r"(^|[\s|\[])-%s\b" % c, text), f"{name} --help lacks -{c}"
            listed = set(re.findall(r"(?<![\w-])-([A-Za-z])\b", text))
            assert listed <= set(shorts[name]), f"{name} --help lists unknown -{listed}"


def test_builtin_modules_wherever_a_policy_is_accepted(tmp):
    card = "my card 4111 1111 1111 1111"
    posts = write(tmp, "card.txt", card + "\n")
    out = run("mesura-screen", "-q", "-f", "jsonl", "-p", "builtin:pii", posts, status=1)
    assert '"category":"pii.payment_card"' in out.stdout.decode()
    out = run("mesura-redact", "--policy", "builtin:pii", posts, status=0)
    assert "4111" not in out.stdout.decode(), out.stdout
    out = run("mesura-explain", "-p", "builtin:secrets", card, status=0)
    assert "policy: secrets" in out.stdout.decode(), out.stdout
    out = run("mesura-lint", "builtin:profanity-es", status=0)
    assert out.stdout.decode().startswith("builtin:profanity-es: ok"), out.stdout
    p = run("mesura-screen", "-p", "builtin:nope", posts, status=3)
    assert 'there is no built-in module "nope"' in p.stderr.decode()
    # mesura-lint --print shows a module's source as the library embeds it, --rules
    # its rules as compiled
    out = run("mesura-lint", "--print", "builtin:pii", status=0).stdout
    with open(os.path.join(HERE, "..", "..", "policies", "builtin", "pii.yaml"), "rb") as f:
        assert out == f.read()
    run("mesura-lint", "--print", "builtin:nope", status=3)
    out = run("mesura-lint", "--rules", "builtin:pii", status=0).stdout.decode()
    assert '  - {id: "pii.email", category: "pii.email", ' in out, out


if __name__ == "__main__":
    main([test_options_after_the_operands, test_double_dash_ends_the_options,
          test_usage_errors_are_one_line_and_a_hint, test_version,
          test_help_lists_every_short_option, test_builtin_modules_wherever_a_policy_is_accepted])
