"""The threading algorithm over light header records (integers and lists inside).

Input: one :class:`Header` per message (what the headers say) and extra
:class:`Link` evidence found in bodies (forwards, quoted replies, quoted
copies). Output: a :class:`Forest` of parent pointers over the input nodes
plus the phantom nodes created on the way. Every input node is in exactly
one tree; nothing is dropped; the result does not depend on input order.

Steps (JWZ "message threading" and RFC 5256 section 3 REFERENCES, with the
changes noted):

1. Message-ID table. A second message with the same Message-ID is kept as
   its own node and marked ``duplicate_of`` the first (oldest) one (RFC 5256
   gives it a unique id; JWZ would merge it).
2. Own parent (strong evidence): In-Reply-To when given, else the last
   reference (notmuch prefers In-Reply-To too; RFC 5256 prefers References —
   they only differ when the two disagree). An unknown id gets a phantom.
   The own-parent graph can hold cycles whatever the headers say: each cycle
   is cut at the member with the shortest reference chain, then the oldest
   (notmuch keeps the oldest message of a loop as root; dovecot keeps the
   message that claims fewest ancestors), so the cut never depends on order.
3. Forced and body links (quoted copies, forwards, quoted replies), only for
   nodes still without a parent, never making a cycle (union-find). A body
   link refused because the message already has a parent is turned round
   after step 5: the embedded message hangs under the one that holds it
   (relation ``quoted``) unless something else placed it.
4. Reference chains (JWZ step 1B, weak evidence): ``References: a b c``
   says b's parent is a. Only nodes without evidence of their own take it
   (phantoms and messages without reference headers); for each such node the
   longest chain (then the oldest message) decides.
5. Outlook Thread-Index: a message without parent hangs under the message
   whose Thread-Index is its own minus the last 5-byte block (or shorter).
6. Pruning (JWZ step 4): phantoms below another node give their children to
   that node; a root phantom with one child gives way to it; a phantom
   without children goes.
7. Root grouping: Gmail thread id, Thread-Index conversation (first 22
   bytes), then subject, among roots of the same base subject (RFC 5256
   section 2.1, localized prefixes) and close in time:
   ``off``: never; ``on``: RFC 5256 step 5 within runs that start at most
   ``subject_window`` apart; ``auto``: a tree without any reference header
   whose subject is a reply joins the nearest tree (within the window) that
   has references or starts with a header-less original; trees that both
   have references never merge; originals with a Message-ID stay thread
   starts; what is left (text dumps) follows the ``on`` rules. A lone
   header-less ``Re: X`` gets a phantom parent with subject X.
"""

from __future__ import annotations

import bisect
import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from operator import attrgetter, itemgetter
from typing import Protocol

from mailarchive.model import Relation
from mailarchive.thread.subject import split_subject

SUBJECT_GROUPING = ("off", "on", "auto")

# Edge methods (Thread.methods vocabulary of the export contract).
IN_REPLY_TO = "in-reply-to"
REFERENCES = "references"
SUBJECT = "subject"
QUOTE_MATCH = "quote-match"
FORWARD_MATCH = "forward-match"
GMAIL = "gmail-thread-id"
THREAD_INDEX = "thread-index"
MESSAGE_ID = "message-id"

_OrderKey = tuple[bool, float, str, int, str]
_LAST: _OrderKey = (True, float("inf"), "", 0, "")
_THREAD_INDEX = attrgetter("thread_index")
_GM_THREAD_ID = attrgetter("gm_thread_id")
_THREAD_INDEX_HEAD = 22  # FILETIME (6 bytes) + GUID (16 bytes) name the conversation
_THREAD_INDEX_STEP = 5  # every reply appends one 5-byte block


@dataclass(frozen=True, slots=True)
class Header:
    """What threading needs from one message.

    ``key`` is unique and stable (the email id); ``position`` (path, byte
    offset) breaks ties between equal times so the order is the input
    file's, not the caller's.
    """

    key: str
    message_id: str | None = None
    in_reply_to: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    subject: str | None = None
    time: float | None = None
    position: tuple[str, int] = ("", -1)
    gm_thread_id: str | None = None
    thread_index: bytes | None = None


class HeaderFields(Protocol):
    """What the algorithm reads of a message: a :class:`Header`, or any record
    with its fields (``thread.threader.Listed``, which crosses processes)."""

    @property
    def key(self) -> str: ...
    @property
    def message_id(self) -> str | None: ...
    @property
    def in_reply_to(self) -> tuple[str, ...]: ...
    @property
    def references(self) -> tuple[str, ...]: ...
    @property
    def subject(self) -> str | None: ...
    @property
    def time(self) -> float | None: ...
    @property
    def position(self) -> tuple[str, int]: ...
    @property
    def gm_thread_id(self) -> str | None: ...
    @property
    def thread_index(self) -> bytes | None: ...


@dataclass(frozen=True, slots=True)
class Link:
    """Body evidence: ``child`` hangs under ``parent`` (indices into the headers)."""

    child: int
    parent: int
    relation: Relation
    method: str


@dataclass(frozen=True, slots=True)
class Forest:
    """Parent pointers over ``size`` nodes: the inputs, then phantoms.

    ``alive[i]`` is 0 for a phantom pruned away. ``root[i]`` is the root of
    node i's tree. ``duplicate_of`` maps a node to the node that owns its
    Message-ID (or that it is a quoted copy of, for forced links).
    """

    size: int
    inputs: int
    parent: list[int]
    relation: list[Relation]
    method: list[str | None]
    alive: bytearray
    root: list[int]
    depth: list[int]
    phantom_message_id: dict[int, str] = field(default_factory=dict)
    phantom_subject: dict[int, str] = field(default_factory=dict)
    duplicate_of: dict[int, int] = field(default_factory=dict)

    def is_phantom(self, node: int) -> bool:
        """True for a node that stands for a message not in the input."""
        return node >= self.inputs

    def roots(self) -> list[int]:
        """The live roots, in node order."""
        return [i for i in range(self.size) if self.alive[i] and self.parent[i] == -1]


def _any_set(headers: Sequence[HeaderFields], field: Callable[[HeaderFields], object]) -> bool:
    """Whether ``field`` of any header is set (not empty), in one C loop: a
    step that only acts on headers with that field skips its Python loop."""
    return any(map(field, headers))


def order_key(h: HeaderFields) -> _OrderKey:
    """Total order of messages: oldest first, undated last, then file position, then key."""
    return (h.time is None, h.time or 0.0, h.position[0], h.position[1], h.key)


class _Builder:
    """Mutable state of one threading run."""

    def __init__(self, headers: Sequence[HeaderFields]) -> None:
        self.headers = headers
        self.n = len(headers)
        self.parent = [-1] * self.n
        self.relation = [Relation.REPLY] * self.n
        self.method: list[str | None] = [None] * self.n
        self.owner: dict[str, int] = {}
        self.phantom_mid: dict[int, str] = {}
        self.phantom_subject: dict[int, str] = {}
        self.duplicate_of: dict[int, int] = {}
        self.uf: list[int] = []

    # -- containers ---------------------------------------------------------

    def _new_node(self) -> int:
        self.parent.append(-1)
        self.relation.append(Relation.REPLY)
        self.method.append(None)
        if self.uf:
            self.uf.append(len(self.uf))
        return len(self.parent) - 1

    def container(self, mid: str) -> int:
        """The node that owns ``mid``: a message, or a phantom made now."""
        node = self.owner.get(mid)
        if node is None:
            node = self._new_node()
            self.owner[mid] = node
            self.phantom_mid[node] = mid
        return node

    def index_message_ids(self) -> None:
        """Step 1: the oldest message owns its Message-ID; later ones are its duplicates."""
        headers = self.headers
        owner = self.owner
        clashes: set[str] = set()
        for i, h in enumerate(headers):
            mid = h.message_id
            if mid is None:
                continue
            j = owner.setdefault(mid, i)
            if j != i:
                clashes.add(mid)
                if order_key(h) < order_key(headers[j]):
                    owner[mid] = i
        if clashes:
            for i, h in enumerate(headers):
                mid = h.message_id
                if mid in clashes and owner[mid] != i:
                    self.duplicate_of[i] = owner[mid]

    # -- own parents --------------------------------------------------------

    @staticmethod
    def own_target(h: HeaderFields) -> tuple[str | None, str]:
        own = h.message_id
        for mid in h.in_reply_to:
            if mid != own:
                return mid, IN_REPLY_TO
        for mid in reversed(h.references):
            if mid != own:
                return mid, REFERENCES
        return None, REFERENCES

    def chain_length(self, i: int) -> int:
        if i >= self.n:
            return 0
        h = self.headers[i]
        return max(len(h.references), 1 if h.in_reply_to else 0)

    def link_own_parents(self, forced: Iterable[Link]) -> bytearray:
        """Step 2 and forced links; returns which inputs have an own parent claim."""
        claims = bytearray(self.n)
        forced_children = set()
        for link in forced:
            forced_children.add(link.child)
            self.parent[link.child] = link.parent
            self.relation[link.child] = link.relation
            self.method[link.child] = link.method
        parent = self.parent
        method = self.method
        owner = self.owner
        for i, h in enumerate(self.headers):
            irt = h.in_reply_to
            refs = h.references
            if not irt and not refs:
                continue
            own = h.message_id
            # In-Reply-To first (see the module docstring), else the last reference.
            target: str | None = irt[0] if irt else None
            how = IN_REPLY_TO
            if target is None or target == own:
                target, how = self.own_target(h)
                if target is None:
                    continue
            if i in forced_children:
                continue
            claims[i] = 1
            p = owner.get(target)
            if p is None:
                p = self.container(target)
            if p != i:
                parent[i] = p
                method[i] = how
        self.cut_cycles()
        return claims

    def cut_cycles(self) -> None:
        """Cut every cycle of the parent graph at its weakest link; build the union-find."""
        parent = self.parent
        size = len(parent)
        state = bytearray(size)  # 0 new, 1 on the current path, 2 done
        root = [-1] * size
        for start in range(size):
            if state[start]:
                continue
            node = parent[start]
            if node == -1 or state[node] == 2:  # a root, or its parent is done
                root[start] = start if node == -1 else root[node]
                state[start] = 2
                continue
            path: list[int] = []
            node = start
            while node != -1 and state[node] == 0:
                state[node] = 1
                path.append(node)
                node = parent[node]
            if node == -1:
                top = path[-1]
            elif state[node] == 1:
                cycle = path[path.index(node) :]
                top = min(cycle, key=self.cut_key)
                parent[top] = -1
                self.method[top] = None
            else:
                top = root[node]
            for node in path:
                root[node] = top
                state[node] = 2
        self.uf = root

    def cut_key(self, i: int) -> tuple[int, _OrderKey]:
        if i >= self.n:
            return (0, (True, 0.0, "", -1, ""))
        return (self.chain_length(i), order_key(self.headers[i]))

    def find(self, i: int) -> int:
        uf = self.uf
        top = i
        while uf[top] != top:
            top = uf[top]
        while uf[i] != top:
            uf[i], i = top, uf[i]
        return top

    def try_link(self, child: int, parent: int, relation: Relation, method: str) -> bool:
        """Hang ``child`` (a root) under ``parent`` unless that would make a cycle."""
        if self.parent[child] != -1 or child == parent:
            return False
        top_child = self.find(child)
        top_parent = self.find(parent)
        if top_child == top_parent:
            return False
        self.parent[child] = parent
        self.relation[child] = relation
        self.method[child] = method
        self.uf[top_child] = top_parent
        return True

    # -- weak evidence -------------------------------------------------------

    def link_reference_chains(self, claims: bytearray) -> None:
        """Step 4: parents that other messages' reference chains imply."""
        best: dict[int, tuple[tuple[int, _OrderKey, int], int]] = {}
        parent = self.parent
        n = self.n
        owner = self.owner
        for h in self.headers:
            refs = h.references
            if not refs or (len(refs) == 1 and not h.in_reply_to):
                continue
            own = h.message_id
            irt = h.in_reply_to
            # Fast path: the nearest id of the chain is a message that speaks for itself.
            tail = irt[0] if irt and irt[0] not in refs else refs[-1]
            if tail != own:
                near = owner.get(tail)
                if near is not None and near < n and claims[near]:
                    continue
            chain = [mid for mid in refs if mid != own]
            for mid in h.in_reply_to:
                if mid != own and mid not in chain:
                    chain.append(mid)
                    break
            if len(chain) < 2:
                continue
            order: _OrderKey | None = None
            for j in range(len(chain) - 1, 0, -1):
                child = self.owner.get(chain[j])
                if child is None:
                    child = self.container(chain[j])
                elif child < n and claims[child]:
                    break  # that message's own headers speak for its ancestors
                if parent[child] != -1:
                    continue
                up = self.container(chain[j - 1])
                if up == child:
                    continue
                if order is None:
                    order = order_key(h)
                key = (-len(chain), order, -j)  # longest chain, oldest claimant, nearest first
                current = best.get(child)
                if current is None or key < current[0]:
                    best[child] = (key, up)
        for child, (_, up) in sorted(best.items(), key=lambda item: item[1][0]):
            self.try_link(child, up, Relation.REPLY, REFERENCES)

    def link_thread_index(self) -> None:
        """Step 5: Outlook Thread-Index ancestry for messages still without a parent."""
        if not _any_set(self.headers, _THREAD_INDEX):  # the loops below would find none
            return
        by_index: dict[bytes, int] = {}
        for i, h in enumerate(self.headers):
            ti = h.thread_index
            if ti is None or len(ti) < _THREAD_INDEX_HEAD or i in self.duplicate_of:
                continue
            j = by_index.setdefault(ti, i)
            if j != i and order_key(h) < order_key(self.headers[j]):
                by_index[ti] = i
        if not by_index:
            return
        headers = self.headers
        waiting = [
            i
            for i, h in enumerate(headers)
            if h.thread_index is not None
            and len(h.thread_index) > _THREAD_INDEX_HEAD
            and self.parent[i] == -1
        ]
        waiting.sort(key=lambda i: order_key(headers[i]))  # cycles refused the same way always
        for i in waiting:
            ti = headers[i].thread_index
            if ti is None or (len(ti) - _THREAD_INDEX_HEAD) % _THREAD_INDEX_STEP:
                continue
            for end in range(
                len(ti) - _THREAD_INDEX_STEP, _THREAD_INDEX_HEAD - 1, -_THREAD_INDEX_STEP
            ):
                up = by_index.get(ti[:end])
                if up is not None and self.try_link(i, up, Relation.REPLY, THREAD_INDEX):
                    break

    # -- pruning ------------------------------------------------------------

    def prune(self) -> bytearray:
        """Step 6 (JWZ step 4); returns the alive flags."""
        parent = self.parent
        n = self.n
        size = len(parent)
        alive = bytearray(b"\x01") * size
        if size == n:
            return alive  # no phantoms: nothing to prune
        # Phantoms below another node hand their children up.
        lifted: dict[int, int] = {}
        for p in range(n, size):
            if parent[p] != -1:
                alive[p] = 0
        for i in range(size):
            p = parent[i]
            if p >= n and parent[p] != -1:
                top = lifted.get(p)
                if top is None:
                    walk = [p]
                    top = parent[p]
                    while top >= n and parent[top] != -1:
                        walk.append(top)
                        top = parent[top]
                    for q in walk:
                        lifted[q] = top
                parent[i] = top
        for p in range(n, size):
            if not alive[p]:
                parent[p] = -1
        counts: dict[int, int] = {}
        only: dict[int, int] = {}
        for i in range(size):
            p = parent[i]
            if p >= n and alive[i]:
                counts[p] = counts.get(p, 0) + 1
                only[p] = i
        for p in range(n, size):
            if not alive[p]:
                continue
            count = counts.get(p, 0)
            if count == 0:
                alive[p] = 0
            elif count == 1:
                alive[p] = 0
                child = only[p]
                parent[child] = -1
        return alive


@dataclass(slots=True)
class _Tree:
    """What root grouping needs to know about one tree; ``rep`` is its oldest member."""

    first: float | None
    last: float | None
    has_refs: bool
    rep: int


class _Grouper:
    """Step 7: merging whole trees by thread id and subject."""

    def __init__(self, builder: _Builder, alive: bytearray) -> None:
        self.b = builder
        self.alive = alive
        self.alias: dict[int, int] = {}
        self.children: dict[int, list[int]] = {}
        parent = builder.parent
        n = builder.n
        if len(parent) > n:  # children of phantoms (none without phantoms)
            for i, p in enumerate(parent):
                if p >= n and alive[i]:
                    self.children.setdefault(p, []).append(i)
        self.root = root = _roots_and_depths(parent)[0]
        self.trees: dict[int, _Tree] = {}
        trees = self.trees
        headers = builder.headers
        for i in range(n):
            h = headers[i]
            r = root[i]
            t = h.time
            tree = trees.get(r)
            if tree is None:
                trees[r] = _Tree(t, t, bool(h.in_reply_to or h.references), i)
                continue
            if not tree.has_refs and (h.in_reply_to or h.references):
                tree.has_refs = True
            if t is not None:
                first = tree.first
                if first is None or t < first:
                    tree.first = t
                    tree.rep = i
                elif t == first and order_key(h) < order_key(headers[tree.rep]):
                    tree.rep = i
                if tree.last is None or t > tree.last:
                    tree.last = t
            elif tree.first is None and order_key(h) < order_key(headers[tree.rep]):
                tree.rep = i
        for p in range(n, len(parent)):
            if alive[p] and parent[p] == -1 and p in trees:
                trees[p].has_refs = True  # a phantom root is named by a reference

    def resolve(self, r: int) -> int:
        while r in self.alias:
            r = self.alias[r]
        return r

    def tree_key(self, r: int) -> tuple[bool, float, _OrderKey]:
        tree = self.trees[r]
        return (tree.first is None, tree.first or 0.0, order_key(self.b.headers[tree.rep]))

    def attach(self, r: int, anchor: int, method: str) -> None:
        """Hang root ``r`` under root ``anchor`` (a root phantom hands over its children)."""
        b = self.b
        if r >= b.n:
            kids = self.children.pop(r, [])
            for kid in kids:
                b.parent[kid] = anchor
                b.method[kid] = method
            if anchor >= b.n:
                self.children.setdefault(anchor, []).extend(kids)
            self.alive[r] = 0
        else:
            b.parent[r] = anchor
            b.relation[r] = Relation.REPLY
            b.method[r] = method
            if anchor >= b.n:
                self.children.setdefault(anchor, []).append(r)
        self.trees[anchor] = self._merge_trees(anchor, r)
        self.alias[r] = anchor

    def _merge_trees(self, anchor: int, r: int) -> _Tree:
        a, b = self.trees[anchor], self.trees.pop(r)
        firsts = [t for t in (a.first, b.first) if t is not None]
        lasts = [t for t in (a.last, b.last) if t is not None]
        rep = a.rep if self.tree_key(anchor) <= self._key_of(b) else b.rep
        return _Tree(
            min(firsts) if firsts else None,
            max(lasts) if lasts else None,
            a.has_refs or b.has_refs,
            rep,
        )

    def by_tree_key(self, members: list[tuple[int, str, bool]]) -> list[tuple[int, str, bool]]:
        """``sorted(members, key=lambda m: self.tree_key(m[0]))``, the keys
        made inline (a subject's roots can be thousands: no calls per root)."""
        trees = self.trees
        headers = self.b.headers
        keys = []
        for m in members:
            tree = trees[m[0]]
            first = tree.first
            h = headers[tree.rep]
            t = h.time
            p = h.position
            keys.append((first is None, first or 0.0, (t is None, t or 0.0, p[0], p[1], h.key)))
        return list(map(members.__getitem__, sorted(range(len(members)), key=keys.__getitem__)))

    def _key_of(self, tree: _Tree) -> tuple[bool, float, _OrderKey]:
        return (tree.first is None, tree.first or 0.0, order_key(self.b.headers[tree.rep]))

    def merge(self, roots: list[int], method: str) -> None:
        """Merge trees named by the same thread id: under a phantom root if any, else the oldest."""
        roots = sorted(set(roots), key=self.tree_key)
        if len(roots) < 2:
            return
        phantoms = [r for r in roots if r >= self.b.n]
        anchor = phantoms[0] if phantoms else roots[0]
        for r in roots:
            if r != anchor:
                self.attach(r, anchor, method)

    def group_by_ids(self) -> None:
        headers = self.b.headers
        if not _any_set(headers, _THREAD_INDEX) and not _any_set(headers, _GM_THREAD_ID):
            return  # no ids to group by: the loop below would find none
        by_gm: dict[str, list[int]] = {}
        by_conv: dict[bytes, list[int]] = {}
        for i, h in enumerate(headers):
            if not self.alive[i]:
                continue
            if h.gm_thread_id:
                by_gm.setdefault(h.gm_thread_id, []).append(self.root[i])
            if h.thread_index is not None and len(h.thread_index) >= _THREAD_INDEX_HEAD:
                by_conv.setdefault(h.thread_index[:_THREAD_INDEX_HEAD], []).append(self.root[i])
        # Groups are merged in key order so the result does not depend on input order.
        for gm in sorted(by_gm):
            self.merge([self.resolve(r) for r in by_gm[gm]], GMAIL)
        for conv in sorted(by_conv):
            self.merge([self.resolve(r) for r in by_conv[conv]], THREAD_INDEX)

    def subject_of(self, r: int) -> str | None:
        b = self.b
        if r < b.n:
            h = b.headers[r]
            return h.subject
        kids = self.children.get(r)
        if not kids:
            return None
        oldest = min(
            kids, key=lambda k: order_key(b.headers[k]) if k < b.n else (True, 0.0, "", 0, "")
        )
        return b.headers[oldest].subject if oldest < b.n else None

    def headerless(self, r: int) -> bool:
        if r >= self.b.n:
            return False
        h = self.b.headers[r]
        return not h.in_reply_to and not h.references

    def new_subject_phantom(self, subject: str, first_child: int) -> int:
        node = self.b._new_node()
        self.alive.append(1)
        self.b.phantom_subject[node] = subject
        self.trees[node] = _Tree(None, None, False, self.trees[first_child].rep)
        return node

    def group_by_subject(self, mode: str, window: float) -> None:
        if mode == "off":
            return
        b = self.b
        n = b.n
        headers = b.headers
        alive = self.alive
        parent = b.parent
        groups: dict[str, list[tuple[int, str, bool]]] = {}
        folded: dict[str, str] = {}  # base subject -> its casefold, made once
        for r in list(self.trees):
            if not alive[r] or parent[r] != -1:
                continue
            base, is_reply = split_subject(headers[r].subject if r < n else self.subject_of(r))
            if base:
                key = folded.get(base)
                if key is None:
                    key = folded[base] = base.casefold()
                group = groups.get(key)
                if group is None:
                    groups[key] = [(r, base, is_reply)]
                else:
                    group.append((r, base, is_reply))
        for members in groups.values():
            if mode == "auto" and not any(self._loose(m) for m in members):
                continue  # every tree stays as its own headers made it
            if len(members) == 1 and not (members[0][2] and self.headerless(members[0][0])):
                continue  # alone with its subject: only a header-less reply gets a phantom
            members[:] = self.by_tree_key(members)
            runs = members
            if mode == "auto":
                # An original with a Message-ID and no references is a thread start by
                # its own headers: it stays one. Text-dump originals (no ids) may group.
                runs = [
                    m
                    for m in self._attach_headerless(members, window)
                    if m[2] or self.b.headers[m[0]].message_id is None
                ]
            for cluster in self._clusters(runs, window):
                self._group_cluster(cluster)

    def _loose(self, member: tuple[int, str, bool]) -> bool:
        """``auto``: whether a root may move by its subject: a tree without any
        reference header whose root is a reply (it may join a thread) or has no
        Message-ID (text dumps may group). Without one, a subject's trees stay
        as they are."""
        r, _, is_reply = member
        if r >= self.b.n or self.trees[r].has_refs:
            return False
        return is_reply or self.b.headers[r].message_id is None

    def _attach_headerless(
        self, members: list[tuple[int, str, bool]], window: float
    ) -> list[tuple[int, str, bool]]:
        """``auto``: a header-less reply joins the nearest thread of its subject.

        A tree without any reference header whose root subject is a reply
        (``Re: X``) joins the nearest tree of the same base subject that has
        reference headers or starts with a header-less original (``X``):
        nearest by the spans trees had before any joined (so joins never
        chain), and only within ``window`` of that span. Trees with reference
        headers never merge with each other, and a header-less original is
        not a reply to anything. Returns the header-less trees left over.
        ``members`` come sorted by :meth:`tree_key`.
        """
        anchors: list[tuple[float, float, int]] = []
        without: list[tuple[int, str, bool]] = []
        for m in members:
            tree = self.trees[m[0]]
            has_refs = tree.has_refs or m[0] >= self.b.n
            if not has_refs:
                without.append(m)
            if (has_refs or not m[2]) and tree.first is not None and tree.last is not None:
                anchors.append((tree.first, tree.last, m[0]))
        if not anchors:
            return without
        # By span, then tree key: ``members`` come sorted by tree key, so a
        # stable sort on the span alone keeps that order among equal spans.
        anchors.sort(key=itemgetter(0, 1))
        starts = [span[0] for span in anchors]
        longest = max(last - first for first, last, _ in anchors)
        left: list[tuple[int, str, bool]] = []
        for m in without:
            when = self.trees[m[0]].first
            best: tuple[float, int] | None = None
            if m[2] and when is not None:
                k = bisect.bisect_right(starts, when + window)
                while k > 0:
                    k -= 1
                    first, last, r = anchors[k]
                    if first < when - window - longest:
                        break
                    gap = 0.0 if first <= when <= last else min(abs(when - first), abs(when - last))
                    if r != m[0] and gap <= window and (best is None or gap <= best[0]):
                        best = (gap, r)  # ties: the older tree (scanned later)
            if best is None:
                left.append(m)
            else:
                self.attach(m[0], self.resolve(best[1]), SUBJECT)
        return [m for m in left if self.alive[m[0]] and self.b.parent[m[0]] == -1]

    def _clusters(
        self, members: list[tuple[int, str, bool]], window: float
    ) -> list[list[tuple[int, str, bool]]]:
        """Split one subject's roots into runs that start within ``window`` of the run's first."""
        clusters: list[list[tuple[int, str, bool]]] = []
        undated: list[tuple[int, str, bool]] = []
        start: float | None = None
        for member in members:
            tree = self.trees[member[0]]
            if tree.first is None:
                undated.append(member)
                continue
            if start is None or tree.first - start > window:
                clusters.append([])
                start = tree.first
            clusters[-1].append(member)
        if undated:
            clusters.append(undated)
        return clusters

    def _group_cluster(self, cluster: list[tuple[int, str, bool]]) -> None:
        """RFC 5256 step 5 on one run of same-subject roots (``on``, and ``auto`` leftovers)."""
        phantoms = [m for m in cluster if m[0] >= self.b.n]
        originals = [m for m in cluster if m[0] < self.b.n and not m[2]]
        if phantoms:
            anchor = phantoms[0][0]
        elif len(originals) == 1:
            anchor = originals[0][0]
        elif len(cluster) >= 2 or (self.headerless(cluster[0][0]) and cluster[0][2]):
            anchor = self.new_subject_phantom(cluster[0][1], cluster[0][0])
        else:
            return
        for m in cluster:
            if m[0] != anchor:
                self.attach(m[0], anchor, SUBJECT)


def _roots_and_depths(parent: list[int]) -> tuple[list[int], list[int]]:
    """Root and depth of every node of an acyclic parent array, in one linear pass."""
    size = len(parent)
    root = [-1] * size
    depth = [0] * size
    for start in range(size):
        if root[start] != -1:
            continue
        node = parent[start]
        if node == -1:
            root[start] = start
            continue
        top = root[node]
        if top != -1:  # the parent is done (replies mostly come after what they answer)
            root[start] = top
            depth[start] = depth[node] + 1
            continue
        path = [start]
        while node != -1 and root[node] == -1:
            path.append(node)
            node = parent[node]
        if node == -1:
            top, d = path[-1], -1
        else:
            top, d = root[node], depth[node]
        for node in reversed(path):
            d += 1
            depth[node] = d
            root[node] = top
    return root, depth


@contextmanager
def gc_young_only() -> Iterator[None]:
    """Let the cyclic garbage collector run on young objects only.

    While records pile up to be threaded, every full collection rescans all
    of them (at 100,000 listed messages, four fifths of the parent's time in
    the collector). Young collections still run, so cycles that die young
    (a parser's working objects) are freed as before; full collections wait
    until the previous thresholds are restored on exit.
    """
    young, middle, old = gc.get_threshold()
    gc.set_threshold(young, middle, _NO_FULL_COLLECTION)
    try:
        yield
    finally:
        if gc.get_threshold() == (young, middle, _NO_FULL_COLLECTION):  # not changed meanwhile
            gc.set_threshold(young, middle, old)


_NO_FULL_COLLECTION = 1 << 30


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many acyclic records.

    Threading allocates millions of small tuples and lists that never form
    cycles; each automatic collection would rescan all of them (quadratic
    time on large archives). The previous state is restored on exit.

    On exit, what is alive moves to the oldest generation (``gc.freeze``
    then ``gc.unfreeze``, two list splices): the records just built would
    otherwise all be young, and the first collection after the pause would
    scan every one of them (a fifth of a second at 100,000 listed messages).
    Young garbage cycles made before the pause are then freed by the next
    full collection instead of the next young one. Skipped when something
    is frozen already (an application's own ``gc.freeze``: unfreezing would
    undo it).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def thread_headers(
    headers: Sequence[HeaderFields],
    *,
    subject_grouping: str = "auto",
    subject_window: timedelta = timedelta(days=28),
    links: Iterable[Link] = (),
    forced: Iterable[Link] = (),
) -> Forest:
    """Thread ``headers`` (see the module docstring for the steps).

    ``forced`` links (quoted copies to what they copy) are applied first and
    their children take no other evidence; ``links`` (forwards, quoted
    replies) apply to nodes that have no parent from their own headers.
    """
    if subject_grouping not in SUBJECT_GROUPING:
        raise ValueError(f"subject_grouping must be one of {SUBJECT_GROUPING}")
    with gc_paused():
        return _thread_headers(headers, subject_grouping, subject_window, links, forced)


def _thread_headers(
    headers: Sequence[HeaderFields],
    subject_grouping: str,
    subject_window: timedelta,
    links: Iterable[Link],
    forced: Iterable[Link],
) -> Forest:
    b = _Builder(headers)
    b.index_message_ids()
    forced = list(forced)
    claims = b.link_own_parents(forced)
    for link in forced:
        b.duplicate_of[link.child] = link.parent
    refused = [
        link
        for link in links
        if not b.try_link(link.child, link.parent, link.relation, link.method)
    ]
    b.link_reference_chains(claims)
    b.link_thread_index()
    # A message placed by its headers keeps its place; what it quotes or forwards,
    # if nothing else placed it, hangs under it (relation quoted), never alone.
    for link in refused:
        b.try_link(link.parent, link.child, Relation.QUOTED, link.method)
    alive = b.prune()
    grouper = _Grouper(b, alive)
    grouper.group_by_ids()
    grouper.group_by_subject(subject_grouping, subject_window.total_seconds())
    parent = b.parent
    relation = b.relation
    method = b.method
    for i, p in enumerate(parent):
        if p == -1:
            relation[i] = Relation.ROOT
            method[i] = None
    root, depth = _roots_and_depths(parent)
    return Forest(
        size=len(parent),
        inputs=b.n,
        parent=parent,
        relation=b.relation,
        method=b.method,
        alive=alive,
        root=root,
        depth=depth,
        phantom_message_id={p: m for p, m in b.phantom_mid.items() if alive[p]},
        phantom_subject=b.phantom_subject,
        duplicate_of=b.duplicate_of,
    )
