import sys

from django.core.management.base import BaseCommand

from casework.audit.chain import FaultKind, chain_seal, verify_chains
from casework.audit.keys import signing_key
from casework.audit.models import Event, EventChain


class Command(BaseCommand):
    help = (
        "Seal every event chain under the signing chain key (the first of CASEWORK_CHAIN_KEY): a chain_sealed "
        "event whose MAC covers all history before it. Run it after putting a new key first and before "
        "removing the old one. Chains that do not verify are refused; chains with history from before the key "
        "(migration audit 0007 seals what was there at the upgrade) only with --adopt-unkeyed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--adopt-unkeyed", action="store_true",
                            help="also seal chains whose newest events have no MAC. Only for history written "
                                 "before the key (e.g. restored from a backup of an older version): a chain "
                                 "rewritten without its MACs looks the same, so compare it with a checkpoint first")

    def handle(self, *args, adopt_unkeyed=False, **options):
        faults = {f.jurisdiction_id: f for f in verify_chains()}
        key = signing_key()
        sealed, refused = 0, 0
        newest = {c.pk: c.length for c in EventChain.objects.filter(length__gt=0)}
        on_key = set(Event.objects.filter(jurisdiction_id__in=list(newest), key_id=key.id).exclude(mac="")
                     .filter(seq__in=set(newest.values())).values_list("jurisdiction_id", "seq"))
        for jid in sorted(newest):
            fault = faults.get(jid)
            if fault is not None and not (fault.kind == FaultKind.UNKEYED and adopt_unkeyed):
                self.stderr.write(f"not sealed: {fault}")
                refused += 1
                continue
            if (jid, newest[jid]) in on_key:
                continue
            if chain_seal(jid, reason="adopted" if fault else "rotated"):
                sealed += 1
        self.stdout.write(f"{sealed} chains sealed under key '{key.id}'"
                          + (f"; {refused} refused" if refused else ""))
        if refused:
            sys.exit(1)
