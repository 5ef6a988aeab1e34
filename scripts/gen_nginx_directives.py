#!/usr/bin/env python3
"""Generate tripline's nginx directive table from nginx's own C source.

Every nginx module declares its directives in an `ngx_command_t` array:

    { ngx_string("gzip"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_HTTP_LIF_CONF
                        |NGX_CONF_FLAG,
      ngx_conf_set_flag_slot, NGX_HTTP_LOC_CONF_OFFSET, offsetof(...), NULL },

which gives the name, the contexts it is allowed in, how many arguments it
takes, and the handler. A directive may appear only once in a block when its
handler refuses a second value: the `ngx_conf_set_*_slot` family and custom
handlers that `return "is duplicate"`. Enum and bitmask slots name their
allowed values in an `ngx_conf_enum_t` / `ngx_conf_bitmask_t` array.

Inputs (all in the repository or ../shared, so a clean checkout reproduces
the committed table byte for byte):
  ../shared/vendor/nginx-master-src.tar.gz   the newest nginx (contexts, args)
  ../shared/vendor/nginx-1.22.1.tar.gz       directives removed since 1.22
  scripts/nginx-directives/third-party.tsv   modules Debian and OpenResty ship
  scripts/nginx-directives/history.tsv       first/last nginx version per name

Usage:
  scripts/gen_nginx_directives.py             write src/nginx/directives/table.rs
  scripts/gen_nginx_directives.py --check     exit 1 if the committed table differs
  scripts/gen_nginx_directives.py --third-party SRC_DIR...
                                              re-extract third-party.tsv from
                                              module source trees (run by hand)
  scripts/gen_nginx_directives.py --history NGINX_GIT_DIR
                                              re-derive history.tsv from nginx's
                                              release tags (run by hand)
"""

import io
import os
import re
import subprocess
import sys
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DATA = os.path.join(HERE, "nginx-directives")
VENDOR = os.path.join(REPO, "..", "shared", "vendor")
OUTPUT = os.path.join(REPO, "src", "nginx", "directives", "table.rs")

# The version of nginx-master-src.tar.gz (src/core/nginx.h).
MASTER_VERSION = "1.31.5"

# The oldest release history.tsv goes back to; older versions are not modelled.
HISTORY_FROM = (1, 14, 0)

ARG_BITS = {
    "NGX_CONF_NOARGS": 0x1,
    "NGX_CONF_TAKE1": 0x2,
    "NGX_CONF_TAKE2": 0x4,
    "NGX_CONF_TAKE3": 0x8,
    "NGX_CONF_TAKE4": 0x10,
    "NGX_CONF_TAKE5": 0x20,
    "NGX_CONF_TAKE6": 0x40,
    "NGX_CONF_TAKE7": 0x80,
    "NGX_CONF_BLOCK": 0x100,
    "NGX_CONF_FLAG": 0x200,
    "NGX_CONF_ANY": 0x400,
    "NGX_CONF_1MORE": 0x800,
    "NGX_CONF_2MORE": 0x1000,
}
ARG_ALIASES = {
    "NGX_CONF_TAKE12": ["NGX_CONF_TAKE1", "NGX_CONF_TAKE2"],
    "NGX_CONF_TAKE13": ["NGX_CONF_TAKE1", "NGX_CONF_TAKE3"],
    "NGX_CONF_TAKE23": ["NGX_CONF_TAKE2", "NGX_CONF_TAKE3"],
    "NGX_CONF_TAKE123": ["NGX_CONF_TAKE1", "NGX_CONF_TAKE2", "NGX_CONF_TAKE3"],
    "NGX_CONF_TAKE1234": ["NGX_CONF_TAKE1", "NGX_CONF_TAKE2", "NGX_CONF_TAKE3",
                          "NGX_CONF_TAKE4"],
}

# Context macros, by the kind of module that declares them (the same bit
# means http{} for an http module and events{} for an event module).
CONTEXT_MACROS = {
    "NGX_MAIN_CONF": "main",
    "NGX_DIRECT_CONF": None,  # how the conf is stored, not where
    "NGX_ANY_CONF": "any",
    "NGX_EVENT_CONF": "events",
    "NGX_HTTP_MAIN_CONF": "http",
    "NGX_HTTP_SRV_CONF": "server",
    "NGX_HTTP_LOC_CONF": "location",
    "NGX_HTTP_UPS_CONF": "upstream",
    "NGX_HTTP_SIF_CONF": "if_in_server",
    "NGX_HTTP_LIF_CONF": "if_in_location",
    "NGX_HTTP_LMT_CONF": "limit_except",
    "NGX_STREAM_MAIN_CONF": "stream",
    "NGX_STREAM_SRV_CONF": "stream_server",
    "NGX_STREAM_UPS_CONF": "stream_upstream",
    "NGX_MAIL_MAIN_CONF": "mail",
    "NGX_MAIL_SRV_CONF": "mail_server",
    "NGX_RTMP_MAIN_CONF": "rtmp",
    "NGX_RTMP_SRV_CONF": "rtmp_server",
    "NGX_RTMP_APP_CONF": "rtmp_application",
    "NGX_RTMP_REC_CONF": "rtmp_recorder",
}
CONTEXTS = [
    "main", "events", "http", "server", "location", "upstream",
    "if_in_server", "if_in_location", "limit_except", "stream",
    "stream_server", "stream_upstream", "mail", "mail_server", "rtmp",
    "rtmp_server", "rtmp_application", "rtmp_recorder",
]

# Handlers that refuse a second value in the same block.
DUPLICATE_SLOTS = {
    "ngx_conf_set_flag_slot", "ngx_conf_set_str_slot", "ngx_conf_set_num_slot",
    "ngx_conf_set_size_slot", "ngx_conf_set_off_slot", "ngx_conf_set_msec_slot",
    "ngx_conf_set_sec_slot", "ngx_conf_set_bufs_slot", "ngx_conf_set_enum_slot",
    "ngx_conf_set_path_slot",
}

# Directives whose handler returns "is duplicate" only for some values, so
# they may repeat in a block: limit_req/limit_conn refuse the same zone twice,
# mirror and the proxy_redirect/proxy_cookie_* families refuse `off` beside
# other values. Read from their handlers in nginx 1.31.5.
REPEATABLE = {
    "limit_req", "limit_conn", "mirror", "proxy_redirect", "proxy_cookie_domain",
    "proxy_cookie_path", "proxy_cookie_flags",
}

# Third-party modules: the module variable (also the .so name load_module
# uses) -> (id for [nginx] modules, label naming where it comes from).
THIRD_PARTY = {
    "ngx_http_lua_module": ("lua", "lua-nginx-module (OpenResty; Debian libnginx-mod-http-lua)"),
    "ngx_stream_lua_module": ("stream-lua", "stream-lua-nginx-module (OpenResty)"),
    "ndk_http_module": ("ndk", "ngx_devel_kit (OpenResty; Debian libnginx-mod-http-ndk)"),
    "ngx_http_headers_more_filter_module": ("headers-more", "headers-more-nginx-module (OpenResty; Debian libnginx-mod-http-headers-more-filter)"),
    "ngx_http_echo_module": ("echo", "echo-nginx-module (OpenResty; Debian libnginx-mod-http-echo)"),
    "ngx_http_set_misc_module": ("set-misc", "set-misc-nginx-module (OpenResty; Debian libnginx-mod-http-set-misc)"),
    "ngx_http_memc_module": ("memc", "memc-nginx-module (OpenResty; Debian libnginx-mod-http-memc)"),
    "ngx_http_redis2_module": ("redis2", "redis2-nginx-module (OpenResty)"),
    "ngx_http_srcache_filter_module": ("srcache", "srcache-nginx-module (OpenResty; Debian libnginx-mod-http-srcache-filter)"),
    "ngx_http_lua_upstream_module": ("lua-upstream", "lua-upstream-nginx-module (OpenResty)"),
    "ngx_http_encrypted_session_module": ("encrypted-session", "encrypted-session-nginx-module (OpenResty)"),
    "ngx_http_brotli_filter_module": ("brotli", "ngx_brotli (Debian libnginx-mod-http-brotli-filter)"),
    "ngx_http_brotli_static_module": ("brotli", "ngx_brotli (Debian libnginx-mod-http-brotli-static)"),
    "ngx_http_geoip2_module": ("geoip2", "ngx_http_geoip2_module (Debian libnginx-mod-http-geoip2)"),
    "ngx_stream_geoip2_module": ("geoip2", "ngx_http_geoip2_module (Debian libnginx-mod-stream-geoip2)"),
    "ngx_http_js_module": ("njs", "njs (nginx.org nginx-module-njs; Debian libnginx-mod-http-js)"),
    "ngx_http_js_core_module": ("njs", "njs (nginx.org nginx-module-njs; Debian libnginx-mod-http-js)"),
    "ngx_stream_js_module": ("njs", "njs (nginx.org nginx-module-njs; Debian libnginx-mod-stream-js)"),
    "ngx_stream_js_core_module": ("njs", "njs (nginx.org nginx-module-njs; Debian libnginx-mod-stream-js)"),
    "ngx_nchan_module": ("nchan", "nchan (Debian libnginx-mod-nchan)"),
    "ngx_rtmp_module": ("rtmp", "nginx-rtmp-module (Debian libnginx-mod-rtmp)"),
    "ngx_http_cache_purge_module": ("cache-purge", "ngx_cache_purge (Debian libnginx-mod-http-cache-purge)"),
    "ngx_http_dav_ext_module": ("dav-ext", "nginx-dav-ext-module (Debian libnginx-mod-http-dav-ext)"),
    "ngx_http_fancyindex_module": ("fancyindex", "ngx-fancyindex (Debian libnginx-mod-http-fancyindex)"),
    "ngx_http_subs_filter_module": ("subs-filter", "ngx_http_substitutions_filter_module (Debian libnginx-mod-http-subs-filter)"),
    "ngx_http_uploadprogress_module": ("upload-progress", "nginx-upload-progress-module (Debian libnginx-mod-http-uploadprogress)"),
    "ngx_http_upstream_fair_module": ("upstream-fair", "nginx-upstream-fair (Debian libnginx-mod-http-upstream-fair)"),
    "ngx_http_modsecurity_module": ("modsecurity", "ModSecurity-nginx (Debian libnginx-mod-http-modsecurity)"),
    "ngx_http_auth_pam_module": ("auth-pam", "ngx_http_auth_pam_module (Debian libnginx-mod-http-auth-pam)"),
    "ngx_http_vhost_traffic_status_module": ("vts", "nginx-module-vts"),
}
# nginx-rtmp-module declares many module variables; all belong to "rtmp".
RTMP_PREFIX = "ngx_rtmp_"


# --------------------------------------------------------------------------
# C source reading


def strip_comments(text):
    """Removes /* */ and // comments, keeping string literals intact."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"' or c == "'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
            out.append(" ")
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def without_preprocessor(text):
    return "\n".join(l for l in text.split("\n") if not l.lstrip().startswith("#"))


def matching_brace(text, open_at):
    depth = 0
    i = open_at
    while i < len(text):
        c = text[i]
        if c == '"':
            j = i + 1
            while text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            i = j
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ValueError("unbalanced braces")


def top_level_groups(body):
    """The `{ ... }` groups directly inside an array initialiser."""
    groups = []
    i = 0
    while True:
        start = body.find("{", i)
        if start < 0:
            return groups
        end = matching_brace(body, start)
        groups.append(body[start + 1:end])
        i = end + 1


def split_fields(group):
    fields, depth, current = [], 0, []
    for c in group:
        if c in "({":
            depth += 1
        elif c in ")}":
            depth -= 1
        if c == "," and depth == 0:
            fields.append("".join(current).strip())
            current = []
        else:
            current.append(c)
    fields.append("".join(current).strip())
    return fields


ARRAY = re.compile(
    r"\b(ngx_command_t|ngx_conf_enum_t|ngx_conf_bitmask_t|ngx_http_variable_t|ngx_stream_variable_t)"
    r"\s+(\w+)\s*\[\s*\]\s*=\s*\{")
# A variable a module adds by name rather than from an array.
ADDED_VARIABLE = re.compile(r"ngx_(http|stream)_add_variable\(\s*cf\s*,\s*&(\w+)")
NAMED_STRING = re.compile(r"\bngx_str_t\s+(\w+)\s*=\s*ngx_string\(\s*\"([^\"]+)\"\s*\)")
MODULE = re.compile(r"\bngx_module_t\s+(\w+)\s*=\s*\{")
DEFINE = re.compile(r"^\s*#\s*define\s+(\w+)\s+(.+?)\s*$", re.M)
FUNCTION = re.compile(r"^(\w+)\s*\(\s*ngx_conf_t\s*\*\s*cf\s*,", re.M)
# A parameter a handler compares an argument with: `ngx_strcmp(value[n].data,
# "default_server")`, `ngx_strncmp(value[i].data, "weight=", 7)`.
PARAM = re.compile(r'ngx_strn?cmp\(\s*value\[\w+\]\.data\s*,\s*(?:\(u_char \*\)\s*)?"([a-z_0-9=]+)"')
# Directives whose parameters are checked (nginx says `invalid parameter "quic"`).
PARAM_DIRECTIVES = {"listen", "server"}

NGX_STRING = re.compile(r'ngx_string\s*\(\s*"((?:[^"\\]|\\.)*)"\s*\)')


class Source:
    """What one module tree declares."""

    def __init__(self):
        self.commands = {}   # array name -> [(name, flags expr, handler, post)]
        self.values = {}     # enum/bitmask array name -> [values]
        self.modules = {}    # commands array name -> (module var, type)
        self.defines = {}
        self.duplicate_handlers = set()
        self.handler_params = {}  # handler -> parameter names it compares
        self.variables = set()     # (name, "http"|"stream", is_prefix)

    def read(self, text):
        for name, value in DEFINE.findall(text):
            self.defines.setdefault(name, value)
        text = strip_comments(text)
        for m in FUNCTION.finditer(text):
            body_start = text.find("{", m.end())
            if body_start < 0:
                continue
            try:
                body_end = matching_brace(text, body_start)
            except (ValueError, IndexError):
                continue
            body = text[body_start:body_end]
            if re.search(r'return\s+"is duplicate"', body):
                self.duplicate_handlers.add(m.group(1))
            params = PARAM.findall(body)
            if params:
                self.handler_params[m.group(1)] = sorted(
                    {p.split("=")[0] for p in params if p and not p.startswith("=")})
        code = without_preprocessor(text)
        for m in ARRAY.finditer(code):
            kind, name = m.group(1), m.group(2)
            open_at = m.end() - 1
            body = code[open_at + 1:matching_brace(code, open_at)]
            groups = top_level_groups(body)
            if kind in ("ngx_http_variable_t", "ngx_stream_variable_t"):
                protocol = "http" if kind.startswith("ngx_http") else "stream"
                for g in groups:
                    fields = split_fields(g)
                    name = NGX_STRING.match(fields[0])
                    if name:
                        prefix = len(fields) > 4 and "VAR_PREFIX" in fields[4]
                        self.variables.add((name.group(1), protocol, prefix))
            elif kind == "ngx_command_t":
                entries = []
                for g in groups:
                    fields = split_fields(g)
                    s = NGX_STRING.match(fields[0])
                    if not s or len(fields) < 3:
                        continue
                    post = fields[5] if len(fields) > 5 else "NULL"
                    entries.append((s.group(1), fields[1], fields[2], post))
                self.commands[name] = entries
            else:
                self.values[name] = [s.group(1) for g in groups
                                     for s in [NGX_STRING.search(g)] if s]
        named = dict(NAMED_STRING.findall(code))
        for protocol, var in ADDED_VARIABLE.findall(code):
            if var in named:
                self.variables.add((named[var], protocol, False))
        for m in MODULE.finditer(code):
            open_at = m.end() - 1
            fields = split_fields(code[open_at + 1:matching_brace(code, open_at)])
            # NGX_MODULE_V1, ctx, commands, type, ...
            if len(fields) >= 4 and fields[2] != "NULL":
                self.modules[fields[2]] = (m.group(1), fields[3])

    def expand(self, expr, seen=()):
        """The macro names an OR-ed flags expression is made of."""
        names = []
        for token in re.findall(r"\w+", expr):
            if token in ARG_BITS or token in CONTEXT_MACROS:
                names.append(token)
            elif token in ARG_ALIASES:
                names.extend(ARG_ALIASES[token])
            elif token in self.defines and token not in seen:
                names.extend(self.expand(self.defines[token], seen + (token,)))
            else:
                raise ValueError("unknown flag macro " + token)
        return names


def module_kind(module_type):
    return {
        "NGX_CORE_MODULE": "core", "NGX_CONF_MODULE": "conf",
        "NGX_EVENT_MODULE": "event", "NGX_HTTP_MODULE": "http",
        "NGX_STREAM_MODULE": "stream", "NGX_MAIL_MODULE": "mail",
        "NGX_RTMP_MODULE": "rtmp",
    }.get(module_type)


def extract(files, variables=None):
    """Directive specs from an iterable of (path, text) C files; the
    variables they declare are added to `variables` when given."""
    src = Source()
    for _, text in files:
        src.read(text)
    if variables is not None:
        variables.update(src.variables)
    specs = []
    for array, entries in src.commands.items():
        if array not in src.modules:
            continue  # an array no module registers (examples, tests)
        module, module_type = src.modules[array]
        if module_kind(module_type) is None:
            continue
        for name, flags, handler, post in entries:
            macros = src.expand(flags)
            args = sorted({m for m in macros if m in ARG_BITS}, key=ARG_BITS.get)
            contexts = set()
            for m in macros:
                if m in CONTEXT_MACROS and CONTEXT_MACROS[m]:
                    contexts.add(CONTEXT_MACROS[m])
            if "any" in contexts:
                contexts = set(CONTEXTS)
            once = (handler in DUPLICATE_SLOTS or handler in src.duplicate_handlers) \
                and name not in REPEATABLE
            values = []
            post_array = post.lstrip("&").strip()
            if handler in ("ngx_conf_set_enum_slot", "ngx_conf_set_bitmask_slot"):
                values = src.values.get(post_array, [])
            kind = "bitmask" if handler == "ngx_conf_set_bitmask_slot" else (
                "enum" if values else "")
            params = []
            if name in PARAM_DIRECTIVES and "block" not in [a[len("NGX_CONF_"):].lower() for a in args]:
                params = src.handler_params.get(handler.strip(), [])
            specs.append({
                "name": name,
                "module": module,
                "contexts": [c for c in CONTEXTS if c in contexts],
                "args": [a[len("NGX_CONF_"):].lower() for a in args],
                "once": once,
                "values": values,
                "value_kind": kind,
                "params": params,
            })
    return specs


def tar_files(path, subdir="src/"):
    with tarfile.open(path) as tar:
        for member in sorted(tar.getmembers(), key=lambda m: m.name):
            if not member.isfile() or not member.name.endswith(".c"):
                continue
            if "/" + subdir not in "/" + member.name:
                continue
            data = tar.extractfile(member).read().decode("utf-8", "replace")
            yield member.name, data


def tree_files(root):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for f in sorted(filenames):
            if f.endswith(".c") and "/t/" not in dirpath + "/" and "example" not in dirpath:
                with open(os.path.join(dirpath, f), encoding="utf-8", errors="replace") as fh:
                    yield os.path.join(dirpath, f), fh.read()


# --------------------------------------------------------------------------
# TSV interchange (third-party.tsv)

TSV_HEADER = "name\tmodule\tcontexts\targs\tonce\tvalue_kind\tvalues\tparams"


def spec_to_tsv(s):
    return "\t".join([s["name"], s["module"], ",".join(s["contexts"]),
                      ",".join(s["args"]), "1" if s["once"] else "0",
                      s["value_kind"], ",".join(s["values"]), ",".join(s["params"])])


def tsv_to_spec(line):
    name, module, contexts, args, once, kind, values, params = line.split("\t")
    return {"name": name, "module": module,
            "contexts": [c for c in contexts.split(",") if c],
            "args": [a for a in args.split(",") if a], "once": once == "1",
            "value_kind": kind, "values": [v for v in values.split(",") if v],
            "params": [p for p in params.split(",") if p]}


def read_tsv(path):
    with open(path, encoding="utf-8") as f:
        lines = [l.rstrip("\n") for l in f if l.strip() and not l.startswith("#")]
    return [tsv_to_spec(l) for l in lines if l != TSV_HEADER]


def third_party_id(module):
    if module in THIRD_PARTY:
        return THIRD_PARTY[module][0]
    if module.startswith(RTMP_PREFIX):
        return "rtmp"
    return None


def write_third_party(roots):
    specs = []
    for root in roots:
        for s in extract(tree_files(root)):
            if third_party_id(s["module"]):
                specs.append(s)
    specs.sort(key=lambda s: (s["name"], s["module"]))
    unique = []
    for s in specs:
        if not unique or (unique[-1]["name"], unique[-1]["module"]) != (s["name"], s["module"]):
            unique.append(s)
    path = os.path.join(DATA, "third-party.tsv")
    with open(path, "w", encoding="utf-8") as f:
        f.write("# Directives of third-party nginx modules, extracted by\n")
        f.write("# `scripts/gen_nginx_directives.py --third-party` from the module sources\n")
        f.write("# (Debian 12 source packages libnginx-mod-*, and the OpenResty/njs/nchan\n")
        f.write("# repositories); see scripts/nginx-directives/SOURCES.md.\n")
        f.write(TSV_HEADER + "\n")
        for s in unique:
            f.write(spec_to_tsv(s) + "\n")
    print(f"wrote {len(unique)} directives to {path}")


# --------------------------------------------------------------------------
# Version history (history.tsv)


def version_of(tag):
    return tuple(int(x) for x in tag[len("release-"):].split("."))


def history_items(spec):
    """What history tracks of a spec: the directive itself, each enumerated
    value, each parameter."""
    yield (spec["name"], spec["module"], "")
    # A flag takes on and off: when a flag later becomes an enum
    # (proxy_protocol on|off|v2), its old values are as old as the flag.
    values = spec["values"] + (["on", "off"] if "flag" in spec["args"] else [])
    for v in values:
        yield (spec["name"], spec["module"], "=" + v)
    for p in spec["params"]:
        yield (spec["name"], spec["module"], "+" + p)


def write_history(git_dir):
    tags = [t for t in subprocess.check_output(
        ["git", "-C", git_dir, "tag"], text=True).split()
        if re.fullmatch(r"release-\d+\.\d+\.\d+", t)]
    tags = sorted((t for t in tags if version_of(t) >= HISTORY_FROM), key=version_of)
    first, last = {}, {}
    for tag in tags:
        archive = subprocess.check_output(["git", "-C", git_dir, "archive", tag, "src"])
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            files = [(m.name, tar.extractfile(m).read().decode("utf-8", "replace"))
                     for m in tar.getmembers() if m.isfile() and m.name.endswith(".c")]
        variables = set()
        items = {i for s in extract(files, variables) for i in history_items(s)}
        items |= {(name, protocol, "$" + ("*" if prefix else "")) for name, protocol, prefix in variables}
        v = version_of(tag)
        for i in items:
            first.setdefault(i, v)
            last[i] = v
        print(tag, len(items), file=sys.stderr)
    newest = version_of(tags[-1])
    path = os.path.join(DATA, "history.tsv")
    with open(path, "w", encoding="utf-8") as f:
        f.write("# First and last nginx release (tags release-%d.%d.%d to %s) whose source\n"
                % (HISTORY_FROM + (tags[-1],)))
        f.write("# declares each directive of each module, each enumerated value (=value)\n")
        f.write("# and each listen/server parameter (+param), and each variable ($, or $* for a\n")
        f.write("# prefix such as http_) by protocol; `-` as last: still there.\n")
        f.write("# Derived by `scripts/gen_nginx_directives.py --history` from nginx's git tags.\n")
        f.write("name\tmodule\titem\tsince\tuntil\n")
        for i in sorted(first):
            until = "-" if last[i] == newest else ".".join(map(str, last[i]))
            f.write(f"{i[0]}\t{i[1]}\t{i[2]}\t{'.'.join(map(str, first[i]))}\t{until}\n")
    print(f"wrote {len(first)} items to {path}")


def read_history():
    history = {}
    with open(os.path.join(DATA, "history.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or line.startswith("name\t"):
                continue
            name, module, item, since, until = line.rstrip("\n").split("\t")
            history[(name, module, item)] = (since, None if until == "-" else until)
    return history


# --------------------------------------------------------------------------
# The Rust table


def rust_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def rust_version(v):
    major, minor, patch = (int(x) for x in v.split("."))
    return f"Version::new({major}, {minor}, {patch})"


def generate():
    variables = set()
    master = extract(tar_files(os.path.join(VENDOR, "nginx-master-src.tar.gz")), variables)
    old = extract(tar_files(os.path.join(VENDOR, "nginx-1.22.1.tar.gz")), variables)
    third = read_tsv(os.path.join(DATA, "third-party.tsv"))
    history = read_history()

    specs = {}
    for s in master:
        specs.setdefault((s["name"], s["module"]), s)
    # Directives nginx has dropped since 1.22 (`ssl on`, `http2_push`, ...).
    for s in old:
        specs.setdefault((s["name"], s["module"]), s)
    for s in third:
        specs.setdefault((s["name"], s["module"]), s)

    modules = sorted({s["module"] for s in specs.values()})
    lines = [
        "// @generated by scripts/gen_nginx_directives.py from nginx's C source",
        "// (../shared/vendor) and scripts/nginx-directives/*.tsv. Do not edit:",
        "// change the script or its inputs and run it again.",
        "",
        "use super::{Args, Ctx, Item, Module, Spec, ValueKind, Variable, Version};",
        "",
        "pub static MODULES: &[Module] = &[",
    ]
    module_index = {}
    for i, m in enumerate(modules):
        module_index[m] = i
        tp = third_party_id(m)
        if tp:
            label = THIRD_PARTY.get(m, ("rtmp", THIRD_PARTY["ngx_rtmp_module"][1]))[1]
            lines.append(f"    Module {{ name: {rust_str(m)}, third_party: Some({rust_str(tp)}), label: {rust_str(label)} }},")
        else:
            lines.append(f"    Module {{ name: {rust_str(m)}, third_party: None, label: {rust_str(m)} }},")
    lines.append("];")
    lines.append("")
    lines.append("pub static DIRECTIVES: &[Spec] = &[")
    for (name, module), s in sorted(specs.items()):
        third = third_party_id(module) is not None

        def since_until(item):
            if third:
                return "Version::new(0, 0, 0)", "None"
            # Newer than the last release tag: only master has it.
            h = history.get((name, module, item), (MASTER_VERSION, None))
            until = f"Some({rust_version(h[1])})" if h[1] else "None"
            return rust_version(h[0]), until

        since, until = since_until("")
        kind = {"": "ValueKind::Free", "enum": "ValueKind::Enum", "bitmask": "ValueKind::Bitmask"}[s["value_kind"]]

        def items(prefix, names):
            return ", ".join(
                f"Item {{ name: {rust_str(n)}, since: {since_until(prefix + n)[0]} }}" for n in names)

        lines.append(
            f"    Spec {{ name: {rust_str(name)}, module: {module_index[module]}, "
            f"contexts: Ctx({ctx_bits(s['contexts'])}), args: Args({args_bits(s['args'])}), "
            f"once: {'true' if s['once'] else 'false'}, value_kind: {kind}, "
            f"values: &[{items('=', s['values'])}], params: &[{items('+', s['params'])}], "
            f"since: {since}, until: {until} }},")
    lines.append("];")
    lines.append("")
    lines.append("pub static VARIABLES: &[Variable] = &[")
    for name, protocol, prefix in sorted(variables):
        item = "$" + ("*" if prefix else "")
        h = history.get((name, protocol, item), (MASTER_VERSION, None))
        until = f"Some({rust_version(h[1])})" if h[1] else "None"
        lines.append(
            f"    Variable {{ name: {rust_str(name)}, stream: {'true' if protocol == 'stream' else 'false'}, "
            f"prefix: {'true' if prefix else 'false'}, since: {rust_version(h[0])}, until: {until} }},")
    lines.append("];")
    return "\n".join(lines) + "\n"


def ctx_bits(contexts):
    bits = 0
    for c in contexts:
        bits |= 1 << CONTEXTS.index(c)
    return f"0x{bits:05x}"


ARG_NAMES = ["noargs", "take1", "take2", "take3", "take4", "take5", "take6",
             "take7", "block", "flag", "any", "1more", "2more"]


def args_bits(args):
    bits = 0
    for a in args:
        bits |= 1 << ARG_NAMES.index(a)
    return f"0x{bits:04x}"


def main(argv):
    if argv[:1] == ["--third-party"]:
        write_third_party(argv[1:])
        return 0
    if argv[:1] == ["--history"]:
        write_history(argv[1])
        return 0
    for tarball in ("nginx-master-src.tar.gz", "nginx-1.22.1.tar.gz"):
        if not os.path.exists(os.path.join(VENDOR, tarball)):
            print(f"SKIPPED: {os.path.join(VENDOR, tarball)} is absent", file=sys.stderr)
            return 3
    table = generate()
    if argv[:1] == ["--check"]:
        with open(OUTPUT, encoding="utf-8") as f:
            if f.read() != table:
                print(f"{OUTPUT} differs from what the generator makes; run "
                      "scripts/gen_nginx_directives.py", file=sys.stderr)
                return 1
        print("directive table is up to date")
        return 0
    os.makedirs(os.path.dirname(OUTPUT), exist_ok=True)
    with open(OUTPUT, "w", encoding="utf-8") as f:
        f.write(table)
    print(f"wrote {table.count('Spec {')} directives to {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
