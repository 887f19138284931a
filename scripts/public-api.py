#!/usr/bin/env python3
"""The public API of a library crate, one item a line, from rustdoc's JSON output.

    scripts/public-api.py target/doc/wordmill_model.json > crates/model/public-api.txt

Lists every public module, type, field, variant, function, method, trait (with its items),
constant, static, type alias and macro reachable from the crate root (through `pub use` too),
with signatures, `#[non_exhaustive]`, and the trait implementations of each public type
(auto traits and blanket implementations left out). Items hidden with `#[doc(hidden)]` are
not part of it: rustdoc leaves them out. `scripts/check-public-api.sh` compares the listing
with the committed `public-api.txt` of each crate, so that a change of the public API is a
visible, reviewed change of that file rather than an accident.

Written for rustdoc's JSON format version FORMAT_VERSION (the toolchain in `Cargo.toml`'s
`rust-version`); another version is refused rather than misread.
"""

import json
import sys

FORMAT_VERSION = 57


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: public-api.py CRATE.json")
    with open(sys.argv[1], encoding="utf-8") as f:
        doc = json.load(f)
    if doc.get("format_version") != FORMAT_VERSION:
        sys.exit(
            f"{sys.argv[1]}: rustdoc JSON format {doc.get('format_version')}, "
            f"this script reads {FORMAT_VERSION}"
        )
    lines = Api(doc).lines()
    sys.stdout.write("".join(line + "\n" for line in sorted(set(lines))))


class Api:
    def __init__(self, doc):
        self.index = doc["index"]
        self.paths = doc["paths"]
        self.root = doc["root"]
        self.out = []
        self.seen = set()
        # Where each item is reachable from the root: filled by a first walk, so that types are
        # named by their public path (not the private module that defines them).
        self.public = {}

    def item(self, id_):
        return self.index.get(str(id_))

    def lines(self):
        root = self.item(self.root)
        self.module(root["name"], root)
        self.out, self.seen = [], set()
        self.module(root["name"], root)
        return self.out

    # ---- walking -------------------------------------------------------------------------

    def module(self, path, item):
        self.out.append(f"pub mod {path}")
        for id_ in item["inner"]["module"]["items"]:
            self.visit(path, id_)

    def visit(self, parent, id_, name=None):
        item = self.item(id_)
        if item is None or item.get("visibility") != "public" and "use" not in item["inner"]:
            return
        kind, inner = next(iter(item["inner"].items()))
        if kind == "use":
            if item.get("visibility") != "public":
                return
            target = inner.get("id")
            if inner.get("is_glob"):
                self.out.append(f"pub use {parent}::{inner['source']}::*")
                if target is not None and self.item(target):
                    sub = self.item(target)
                    for child in sub["inner"].get("module", {}).get("items", []):
                        self.visit(parent, child)
                return
            if target is None or self.item(target) is None:
                self.out.append(f"pub use {parent}::{inner['name']} = {inner['source']}")
                return
            self.visit(parent, target, name=inner["name"])
            return
        name = name or item["name"]
        path = f"{parent}::{name}"
        key = (path, id_)
        if key in self.seen:
            return
        self.seen.add(key)
        self.public.setdefault(id_, path)
        attrs = self.attrs(item)
        if kind == "module":
            self.module(path, item)
        elif kind == "struct":
            self.struct(path, attrs, inner)
        elif kind == "enum":
            self.enum(path, attrs, inner)
        elif kind == "union":
            self.out.append(f"pub union {path}{self.generics(inner['generics'])}")
            self.impls(path, inner["impls"])
        elif kind == "trait":
            self.trait(path, attrs, inner)
        elif kind == "function":
            self.out.append(f"pub fn {path}{self.fn_sig(inner)}")
        elif kind == "constant":
            self.out.append(f"pub const {path}: {self.ty(inner['type'])}")
        elif kind == "static":
            mutable = "mut " if inner.get("is_mutable") else ""
            self.out.append(f"pub static {mutable}{path}: {self.ty(inner['type'])}")
        elif kind == "type_alias":
            self.out.append(
                f"pub type {path}{self.generics(inner['generics'])} = {self.ty(inner['type'])}"
            )
        elif kind in ("macro", "proc_macro"):
            self.out.append(f"pub macro {path}")
        else:
            self.out.append(f"pub {kind} {path}")

    def attrs(self, item):
        found = []
        for attr in item.get("attrs", []):
            text = attr if isinstance(attr, str) else json.dumps(attr, sort_keys=True)
            if "non_exhaustive" in text:
                found.append("#[non_exhaustive] ")
            elif "must_use" in text:
                continue
        return "".join(found)

    def struct(self, path, attrs, inner):
        generics = self.generics(inner["generics"])
        kind = inner["kind"]
        if kind == "unit":
            self.out.append(f"{attrs}pub struct {path}{generics}")
        elif "tuple" in kind:
            fields = [self.item(f) if f is not None else None for f in kind["tuple"]]
            shown = ", ".join(
                "pub " + self.ty(f["inner"]["struct_field"]) if f else "_" for f in fields
            )
            self.out.append(f"{attrs}pub struct {path}{generics}({shown})")
        else:
            plain = kind["plain"]
            hidden = " (private fields)" if plain.get("has_stripped_fields") else ""
            self.out.append(f"{attrs}pub struct {path}{generics}{hidden}")
            for f in plain["fields"]:
                field = self.item(f)
                if field and field.get("visibility") == "public":
                    self.out.append(
                        f"pub field {path}::{field['name']}: "
                        f"{self.ty(field['inner']['struct_field'])}"
                    )
        self.impls(path, inner["impls"])

    def enum(self, path, attrs, inner):
        self.out.append(f"{attrs}pub enum {path}{self.generics(inner['generics'])}")
        for v in inner["variants"]:
            variant = self.item(v)
            if variant is None:
                continue
            vattrs = self.attrs(variant)
            vk = variant["inner"]["variant"]["kind"]
            vpath = f"{path}::{variant['name']}"
            if vk == "plain":
                self.out.append(f"{vattrs}pub variant {vpath}")
            elif "tuple" in vk:
                tys = [
                    self.ty(self.item(f)["inner"]["struct_field"]) if f is not None else "_"
                    for f in vk["tuple"]
                ]
                self.out.append(f"{vattrs}pub variant {vpath}({', '.join(tys)})")
            else:
                self.out.append(f"{vattrs}pub variant {vpath} {{ .. }}")
                for f in vk["struct"]["fields"]:
                    field = self.item(f)
                    if field:
                        self.out.append(
                            f"pub field {vpath}::{field['name']}: "
                            f"{self.ty(field['inner']['struct_field'])}"
                        )
        self.impls(path, inner["impls"])

    def trait(self, path, attrs, inner):
        bounds = self.bounds(inner.get("bounds", []))
        sealed = "unsafe " if inner.get("is_unsafe") else ""
        self.out.append(
            f"{attrs}pub {sealed}trait {path}{self.generics(inner['generics'])}"
            + (f": {bounds}" if bounds else "")
        )
        for id_ in inner["items"]:
            self.assoc(path, self.item(id_), in_trait=True)

    def impls(self, path, impl_ids):
        for id_ in impl_ids:
            item = self.item(id_)
            if item is None:
                continue
            imp = item["inner"]["impl"]
            if imp.get("is_synthetic") or imp.get("blanket_impl") is not None:
                continue
            if imp.get("trait") and imp["trait"].get("path") == "StructuralPartialEq":
                continue
            if imp.get("trait") is None:
                for m in imp["items"]:
                    member = self.item(m)
                    if member and member.get("visibility") == "public":
                        self.assoc(path, member, in_trait=False)
            else:
                neg = "!" if imp.get("is_negative") else ""
                self.out.append(
                    f"impl{self.generics(imp['generics'])} {neg}{self.path_ty(imp['trait'])} "
                    f"for {self.ty(imp['for'])}{self.where_clause(imp['generics'])}"
                )

    def assoc(self, path, item, in_trait):
        if item is None:
            return
        kind, inner = next(iter(item["inner"].items()))
        name = f"{path}::{item['name']}"
        if kind == "function":
            default = " (provided)" if in_trait and inner.get("has_body") else ""
            self.out.append(f"pub fn {name}{self.fn_sig(inner)}{default}")
        elif kind == "assoc_const":
            self.out.append(f"pub const {name}: {self.ty(inner['type'])}")
        elif kind == "assoc_type":
            bounds = self.bounds(inner.get("bounds", []))
            value = f" = {self.ty(inner['type'])}" if inner.get("type") else ""
            self.out.append(f"pub type {name}{': ' + bounds if bounds else ''}{value}")
        elif kind == "constant":
            self.out.append(f"pub const {name}: {self.ty(inner['type'])}")

    # ---- rendering -----------------------------------------------------------------------

    def fn_sig(self, inner):
        header = inner["header"]
        quals = ""
        if header.get("is_const"):
            quals += "const "
        if header.get("is_async"):
            quals += "async "
        if header.get("is_unsafe"):
            quals += "unsafe "
        sig = inner["sig"]
        args = []
        for name, ty in sig["inputs"]:
            if name == "self":
                args.append(self.self_arg(ty))
            else:
                args.append(f"{name}: {self.ty(ty)}")
        out = f" -> {self.ty(sig['output'])}" if sig.get("output") is not None else ""
        return (
            f"{self.generics(inner['generics'])}({', '.join(args)}){out}"
            f"{self.where_clause(inner['generics'])}"
            + (f" [{quals.strip()}]" if quals else "")
        )

    def self_arg(self, ty):
        if ty == {"generic": "Self"}:
            return "self"
        if "borrowed_ref" in ty and ty["borrowed_ref"]["type"] == {"generic": "Self"}:
            r = ty["borrowed_ref"]
            life = f"{r['lifetime']} " if r.get("lifetime") else ""
            return f"&{life}{'mut ' if r['is_mutable'] else ''}self"
        return f"self: {self.ty(ty)}"

    def generics(self, g):
        params = []
        for p in g.get("params", []):
            kind = p["kind"]
            if "lifetime" in kind:
                outlives = kind["lifetime"].get("outlives") or []
                params.append(p["name"] + (": " + " + ".join(outlives) if outlives else ""))
            elif "type" in kind:
                if kind["type"].get("is_synthetic"):
                    continue
                bounds = self.bounds(kind["type"].get("bounds", []))
                default = kind["type"].get("default")
                params.append(
                    p["name"]
                    + (f": {bounds}" if bounds else "")
                    + (f" = {self.ty(default)}" if default else "")
                )
            elif "const" in kind:
                params.append(f"const {p['name']}: {self.ty(kind['const']['type'])}")
        return f"<{', '.join(params)}>" if params else ""

    def where_clause(self, g):
        preds = []
        for w in g.get("where_predicates", []):
            if "bound_predicate" in w:
                b = w["bound_predicate"]
                preds.append(f"{self.ty(b['type'])}: {self.bounds(b['bounds'])}")
            elif "lifetime_predicate" in w:
                b = w["lifetime_predicate"]
                preds.append(f"{b['lifetime']}: {' + '.join(b['outlives'])}")
            elif "eq_predicate" in w:
                b = w["eq_predicate"]
                preds.append(f"{self.ty(b['lhs'])} = {self.term(b['rhs'])}")
        return f" where {', '.join(preds)}" if preds else ""

    def bounds(self, bounds):
        out = []
        for b in bounds:
            if "trait_bound" in b:
                tb = b["trait_bound"]
                modifier = {"maybe": "?", "maybe_const": "~const "}.get(tb.get("modifier"), "")
                hrtb = tb.get("generic_params") or []
                prefix = (
                    "for<" + ", ".join(p["name"] for p in hrtb) + "> " if hrtb else ""
                )
                out.append(f"{prefix}{modifier}{self.path_ty(tb['trait'])}")
            elif "outlives" in b:
                out.append(b["outlives"])
            elif "use" in b:
                out.append("use<" + ", ".join(str(x) for x in b["use"]) + ">")
        return " + ".join(out)

    def term(self, t):
        if "type" in t:
            return self.ty(t["type"])
        return t.get("constant", {}).get("expr", "_")

    def path_ty(self, p):
        name = p.get("path") or p.get("name")
        summary = self.paths.get(str(p.get("id")))
        if p.get("id") in self.public:
            name = self.public[p["id"]]
        elif summary is not None and summary.get("crate_id") == 0:
            name = "::".join(summary["path"])
        elif not name and summary is not None:
            name = summary["path"][-1]
        name = name or "?"
        return name + self.generic_args(p.get("args"))

    def generic_args(self, args):
        if not args:
            return ""
        if "angle_bracketed" in args:
            a = args["angle_bracketed"]
            parts = []
            for arg in a.get("args", []):
                if "lifetime" in arg:
                    parts.append(arg["lifetime"])
                elif "type" in arg:
                    parts.append(self.ty(arg["type"]))
                elif "const" in arg:
                    parts.append(arg["const"].get("expr", "_"))
                elif arg == "infer":
                    parts.append("_")
            for c in a.get("constraints", []):
                binding = c["binding"]
                rhs = (
                    self.term(binding["equality"])
                    if "equality" in binding
                    else self.bounds(binding.get("constraint", []))
                )
                sep = " = " if "equality" in binding else ": "
                parts.append(f"{c['name']}{self.generic_args(c.get('args'))}{sep}{rhs}")
            return f"<{', '.join(parts)}>" if parts else ""
        if "parenthesized" in args:
            p = args["parenthesized"]
            out = f" -> {self.ty(p['output'])}" if p.get("output") else ""
            return f"({', '.join(self.ty(t) for t in p['inputs'])}){out}"
        return ""

    def ty(self, t):
        if t is None:
            return "()"
        (kind, v), = t.items()
        if kind == "resolved_path":
            return self.path_ty(v)
        if kind == "dyn_trait":
            traits = []
            for pt in v["traits"]:
                traits.append(self.path_ty(pt["trait"]))
            if v.get("lifetime"):
                traits.append(v["lifetime"])
            return "dyn " + " + ".join(traits)
        if kind == "generic":
            return v
        if kind == "primitive":
            return v
        if kind == "function_pointer":
            sig = v["sig"]
            out = f" -> {self.ty(sig['output'])}" if sig.get("output") else ""
            return f"fn({', '.join(self.ty(x[1]) for x in sig['inputs'])}){out}"
        if kind == "tuple":
            inner = ", ".join(self.ty(x) for x in v)
            return f"({inner},)" if len(v) == 1 else f"({inner})"
        if kind == "slice":
            return f"[{self.ty(v)}]"
        if kind == "array":
            return f"[{self.ty(v['type'])}; {v['len']}]"
        if kind == "pat":
            return self.ty(v["type"])
        if kind == "impl_trait":
            return "impl " + self.bounds(v)
        if kind == "infer":
            return "_"
        if kind == "raw_pointer":
            return f"*{'mut' if v['is_mutable'] else 'const'} {self.ty(v['type'])}"
        if kind == "borrowed_ref":
            life = f"{v['lifetime']} " if v.get("lifetime") else ""
            return f"&{life}{'mut ' if v['is_mutable'] else ''}{self.ty(v['type'])}"
        if kind == "qualified_path":
            trait = f" as {self.path_ty(v['trait'])}" if v.get("trait") else ""
            return f"<{self.ty(v['self_type'])}{trait}>::{v['name']}{self.generic_args(v.get('args'))}"
        return f"?{kind}"


if __name__ == "__main__":
    main()
