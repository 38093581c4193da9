"""``por demo``: a synthetic exchange taken through the whole workflow, showing what each party sees.

Operator: builds and publishes the snapshot, signs it with a 2-of-3 threshold key, logs it, proves every user,
publishes signed reserves. Auditor: rebuilds the root from the data, co-signs, checks solvency. User: checks the
root's signatures and the log, verifies their own proof, and sees a forged proof rejected. Every step calls the library API the CLI commands use.
"""

from __future__ import annotations

import copy
import hashlib
import json
import time
from pathlib import Path

from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from por import attest, history
from por.amounts import Token, format_amount, parse_amount
from por.errors import VerificationError
from por.files import write_json
from por.formats.report import render
from por.ingest import DecimalsSpec, load_balances, write_native_csv
from por.ingest.balances import Balances
from por.plain.audit import audit_plain
from por.plain.build import build_plain
from por.plain.prove import prove_user, write_all_proofs
from por.plain.verify import verify_plain
from por.reserves import bitcoin, evm, load_reserves, secp256k1
from por.reserves.model import Wallet
from por.reserves.native import write_reserves_csv
from por.snapshot import read_root
from por.snapshot_store import Snapshot
from por.solvency import solvency_report
from por.synthetic import synthetic_balances
from por.threshold.dealer import GROUP_FILE, share_file_name, write_deal
from por.threshold.files import read_group_key, read_share
from por.threshold.sign import combine_root, root_message, sign_partial

ROUND = "demo-2026-11"
RESERVE_MESSAGE = f"por demo round {ROUND}: this address belongs to Demo Exchange"
OPERATOR_GROUP = "operator-2-of-3"


def run_demo(out: Path, users: int = 5000, console: Console | None = None) -> bool:
    """Run the demo into ``out``; True when every party saw the expected outcome."""
    console = console or Console(highlight=False)
    out.mkdir(parents=True, exist_ok=True)
    snapshot_dir, keys = out / "snapshot", out / "keys"
    export, tokens = _write_export(out, users)

    _step(console, "Operator", f"reads the balances export {export.name} ({users} users) and publishes a snapshot")
    started = time.perf_counter()
    balances = load_balances(export, decimals=DecimalsSpec(per_token={t.symbol: t.decimals for t in tokens}))
    build_plain(balances.tokens, balances.user_ids, balances.amounts, snapshot_dir, round_id=ROUND, force=True)
    console.print(f"Built the sum tree in {time.perf_counter() - started:.2f} s. Public snapshot (root.json):")
    console.print_json((snapshot_dir / "public" / "root.json").read_text())
    operator_key = _threshold_sign(snapshot_dir, keys / OPERATOR_GROUP)
    log = out / "published-roots.jsonl"
    entry = history.append(log, read_root(snapshot_dir / "public" / "root.json"))
    console.print("Signed it with the operator's 2-of-3 threshold key (officers 1 and 3 of 3 each made a partial "
                  "signature; nobody holds the whole key) and appended it to the public log as entry "
                  f"{entry['seq']}.")
    started = time.perf_counter()
    count = write_all_proofs(Snapshot(snapshot_dir), out / "proofs.jsonl")
    console.print(f"Wrote {count} inclusion proofs to proofs.jsonl in {time.perf_counter() - started:.2f} s.")

    _step(console, "Auditor", "rebuilds the tree from the export and the operator's secret, then co-signs")
    report = audit_plain(export, snapshot_dir / "public" / "root.json", snapshot_dir / "operator" / "master-secret.hex")
    table = Table("token", "published total", "recomputed", "match")
    for row in report.rows:
        table.add_row(row.symbol, row.published, row.recomputed, "yes" if row.ok else "NO")
    console.print(table)
    console.print("AUDIT PASSED: the data reproduces the published root." if report.ok
                  else f"AUDIT FAILED: {report.first_mismatch}")
    auditor_key = _sign(snapshot_dir, keys, "auditor")

    _step(console, "Auditor", "checks the operator's signed reserve wallets against the liabilities")
    root = read_root(snapshot_dir / "public" / "root.json")
    reserves_file = out / "reserves.csv"
    write_reserves_csv(reserves_file, _demo_wallets(root))
    solvency = solvency_report(root, load_reserves(reserves_file))
    table = Table("token", "liabilities", "reserves", "ratio", "verdict")
    for row in solvency.rows:
        data = row.to_json()
        table.add_row(row.token, data["liabilities"], data["reserves"], data["ratio"] or "-", row.verdict)
    console.print(table)
    console.print("SOLVENT: every token is fully reserved by wallets whose ownership signatures verify."
                  if solvency.ok else "NOT SOLVENT.")

    alice = balances.user_ids[42].as_py()
    proof = prove_user(Snapshot(snapshot_dir), alice)
    proof_path = out / "my-proof.json"
    proof_path.write_text(json.dumps(proof, indent=2))
    _step(console, "User", f"{alice} checks the root's signatures and the log, then their proof, offline")
    signed = attest.verify_root_signatures(root, [operator_key, auditor_key], 2)
    console.print(f"Root signatures (2 of 2 required): {'valid' if signed.ok else 'INVALID'} — {signed.detail}")
    logged = history.find_root(log, root) is not None and history.verify_log(log).ok
    console.print(f"The root is entry {entry['seq']} of an intact hash-chained log: {'yes' if logged else 'NO'}.")
    honest = verify_plain(proof, root, user_id=alice, source=proof_path.name)
    render([honest], console)

    _step(console, "User", "is shown a forged proof: one sibling sum lowered by a single base unit")
    forged = copy.deepcopy(proof)
    sums = forged["siblings"][3]["sums"]
    sums[0] = str(max(int(sums[0]) - 1, 0)) if int(sums[0]) else "1"
    tampered = verify_plain(forged, root, user_id=alice, source="forged-proof.json")
    render([tampered], console)

    private_ok = _private_mode(console, out, balances, reserves_file, alice)

    ok = report.ok and signed.ok and logged and solvency.ok and honest.valid and not tampered.valid and private_ok
    console.print()
    console.print("[bold green]Demo complete: every party saw the expected outcome.[/]" if ok
                  else "[bold red]Demo finished with unexpected outcomes.[/]")
    console.print(f"Everything is in {out}/: try `por verify {proof_path} --root {snapshot_dir / 'public' / 'root.json'} "
                  f"--user {alice} --signers {keys / OPERATOR_GROUP / GROUP_FILE} --signers {keys / 'auditor.pub'}`.")
    return ok


def _private_mode(console: Console, out: Path, balances, reserves_file: Path, user: str) -> bool:
    """The same exchange in private mode: commitments instead of sums, range proofs, zero-knowledge solvency."""
    from por.private.build import build_private
    from por.private.prove import prove_private_user_binary
    from por.private.solvency import prove_solvency_file, reserve_totals, verify_solvency_file
    from por.private.verify import verify_private
    from por.private.widths import widths_from_reserves

    snapshot_dir = out / "private-snapshot"
    _step(console, "Operator", "publishes the same liabilities in private mode (capacity 2^20: the user count is "
          "hidden; each token's range width comes from the public reserves)")
    started = time.perf_counter()
    result = build_private(balances.tokens, balances.user_ids, balances.amounts, snapshot_dir,
                           secret_path=out / "snapshot" / "operator" / "master-secret.hex", round_id=ROUND + "-private",
                           pad_to=1 << 20, force=True, range_bits=widths_from_reserves(reserves_file, balances.tokens))
    console.print(f"Built the commitment tree in {time.perf_counter() - started:.2f} s; root.json now shows per-token "
                  "Pedersen commitments and no totals:")
    console.print_json(json.dumps({k: result.root[k] for k in ("mode", "round", "tokens", "root", "arity", "leaf_count",
                                                               "commitments")}))
    root = read_root(snapshot_dir / "public" / "root.json")
    started = time.perf_counter()
    proof = prove_private_user_binary(Snapshot(snapshot_dir, secret_path=out / "snapshot" / "operator" / "master-secret.hex"), user)
    (out / "my-private-proof.bin").write_bytes(proof)
    console.print(f"Proved {user}'s path on demand in {time.perf_counter() - started:.1f} s: {len(proof) / 1000:.1f} kB, "
                  "with one range proof per level over all four children (every sibling subtree and the path).")
    solvency_path = out / "private-solvency.json"
    snapshot = Snapshot(snapshot_dir, secret_path=out / "snapshot" / "operator" / "master-secret.hex")
    prove_solvency_file(snapshot, reserve_totals(reserves_file, snapshot.tokens), solvency_path)

    _step(console, "User", f"{user} verifies the private proof: no other balance, total or user count is revealed")
    started = time.perf_counter()
    verdict = verify_private(proof, root, user_id=user, source="my-private-proof.bin")
    render([verdict], console)
    console.print(f"(verified in {1000 * (time.perf_counter() - started):.0f} ms)")
    _step(console, "Auditor", "checks zero-knowledge proofs that the signed reserves cover the hidden liabilities")
    results = verify_solvency_file(root, reserve_totals(reserves_file, snapshot.tokens), solvency_path)
    for item in results:
        console.print(f"  {item.token}: reserves {item.reserves} — {'SOLVENT' if item.solvent else 'NOT PROVEN'}: "
                      f"{item.detail}")
    return verdict.valid and all(item.solvent for item in results)


def _step(console: Console, who: str, text: str) -> None:
    console.print()
    console.print(Panel.fit(f"[bold]{who}[/] {text}", border_style="cyan"))


def _write_export(out: Path, users: int) -> tuple[Path, list[Token]]:
    tokens, ids, amounts = synthetic_balances(users)
    export = out / "exchange.csv"
    write_native_csv(export, Balances(tokens=tokens, user_ids=ids, amounts=amounts, source=str(export)))
    return export, tokens


def _sign(snapshot_dir: Path, keys: Path, label: str) -> attest.PublicKey:
    """Create ``label``'s key pair once (0600), add its signature to root.json, return its public key."""
    secret_path = keys / label
    if not secret_path.exists():
        attest.write_keypair(secret_path, label)
    root = read_root(snapshot_dir / "public" / "root.json")
    signed = attest.sign_root(root, attest.read_secret_key(secret_path), label)
    write_json(snapshot_dir / "public" / "root.json", signed)
    return attest.read_public_key(secret_path.with_name(secret_path.name + ".pub"))


def _threshold_sign(snapshot_dir: Path, group_dir: Path) -> attest.PublicKey:
    """Deal the operator's 2-of-3 group key once (three officers' shares, 0600); two officers sign root.json."""
    if not (group_dir / GROUP_FILE).exists():
        write_deal(group_dir, 2, 3, label="operator")
    group = read_group_key(group_dir / GROUP_FILE)
    root_path = snapshot_dir / "public" / "root.json"
    root = read_root(root_path)
    partials = [sign_partial(read_share(group_dir / share_file_name(i)), root_message(root)) for i in (1, 3)]
    result, signed = combine_root(root, group, partials)
    if signed is None:
        raise VerificationError("; ".join(result.findings))
    write_json(root_path, signed)
    return group.public


def _demo_wallets(root: dict) -> list[Wallet]:
    """One signed wallet per token holding 110 % of its liabilities (demo keys: SHA-256 of a public phrase)."""
    wallets = []
    for index, token in enumerate(Token(t["symbol"], t["decimals"]) for t in root["tokens"]):
        key = hashlib.sha256(f"por demo wallet {index}".encode()).digest()
        held = format_amount(parse_amount(root["totals"][token.symbol], token.decimals) * 11 // 10, token.decimals)
        if token.symbol == "BTC":
            address = bitcoin.address_for(secp256k1.public_key(key), bitcoin.P2WPKH)
            signature, scheme, chain, height = bitcoin.sign_message(RESERVE_MESSAGE, key, bitcoin.P2WPKH), "bip137", "BTC", 870000
        else:
            address = evm.checksum_address(evm.address_of(secp256k1.public_key(key)))
            signature, scheme, chain, height = evm.sign_message("eip191", RESERVE_MESSAGE, key), "eip191", "ETH", 21000000
        wallets.append(Wallet(token.symbol, chain, address, held, height, RESERVE_MESSAGE, signature, scheme, index + 2))
    return wallets
