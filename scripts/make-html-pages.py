#!/usr/bin/env python3
# Writes N news-like HTML pages, the same bytes on every machine, for measuring HTML readers
# (benches/peers/mailhtml.py) on pages shaped like the ones a crawler brings back:
#
#   scripts/make-html-pages.py DIR                  # 200 pages, DIR/page-0001.html ...
#   scripts/make-html-pages.py DIR --count N [--sotu DIR]
#
# Each page is a whole document: a head with <title>, description, Open Graph and
# article:published_time / article:section meta tags, a canonical link, an inline <style>, a
# JSON-LD <script> and an analytics-like inline <script>; a body with a skip link, a site header,
# a section <nav>, a search form, an advertisement slot, the <article> (kicker, headline,
# standfirst, byline with <time>, a lead figure, paragraphs with inline links and emphasis,
# sub-headings, a pull quote, bulleted lists, a related-stories aside, tags), a "most read"
# sidebar, a site footer and closing scripts.
#
# The words come from the State of the Union addresses in corpus/sotu/*.txt (one line each): an
# address is cut into sentences (after '.', '!' or '?' followed by a space and a capital letter
# or a quote) and the sentences are grouped into paragraphs of 2 to 6. Page i takes its
# paragraphs from address i mod A (A addresses, in sorted order), from paragraph
# 12*(i div A) on, wrapping around, and is dated in that address's year. Every other choice
# (paragraph counts, which paragraph becomes a list or a quote, links) comes from SHA-256 of the
# page number and a label, so the output depends on nothing but the addresses. Text is escaped,
# "--" is written as &#8212; and a few quotes as &ldquo; &rdquo;. Standard library only.
import argparse
import glob
import hashlib
import html
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SITE = "The Wordmill Courier"
HOST = "https://news.example.com"
SECTIONS = ["Politics", "Economy", "World", "Health", "Education", "Science", "Opinion", "Business"]
AUTHORS = [
    "Alex Morgan", "Priya Raman", "Tomás Herrera", "Grace Liu", "Samuel Okafor", "Hannah Weiss",
    "Jonas Lindqvist", "Amara Nwosu", "Daniel Kowalski", "Sofia Marchetti",
]
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]
SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z])")
WORD = re.compile(r"\b[A-Za-z][a-z]{6,}\b")

STYLE = """
:root{--ink:#121212;--muted:#5a5a5a;--accent:#b3122e;--rule:#e2e2e2;--max:42rem}
*{box-sizing:border-box}body{margin:0;font:18px/1.6 Georgia,"Times New Roman",serif;color:var(--ink)}
.skip-link{position:absolute;left:-999px}.skip-link:focus{left:1rem;top:1rem;background:#fff}
.site-header{display:flex;align-items:center;gap:2rem;padding:.75rem 1.5rem;border-bottom:1px solid var(--rule)}
.site-header .logo a{font:700 1.6rem/1 "Helvetica Neue",Arial,sans-serif;color:var(--ink);text-decoration:none}
.primary-nav ul{display:flex;gap:1rem;list-style:none;margin:0;padding:0;font-family:Arial,sans-serif}
.primary-nav a{color:var(--muted);text-decoration:none}.primary-nav a:hover{color:var(--accent)}
.ad-slot{min-height:90px;margin:1rem auto;max-width:728px;background:#f4f4f4}
main{display:grid;grid-template-columns:minmax(0,var(--max)) 18rem;gap:3rem;justify-content:center;padding:0 1.5rem}
.kicker a{color:var(--accent);text-transform:uppercase;font:700 .8rem/1 Arial,sans-serif;letter-spacing:.08em}
.headline{font-size:2.4rem;line-height:1.15;margin:.3rem 0}.standfirst{font-size:1.2rem;color:var(--muted)}
.byline{font:.85rem/1.4 Arial,sans-serif;color:var(--muted)}figure{margin:1.5rem 0}figure img{width:100%;height:auto}
figcaption{font:.8rem/1.4 Arial,sans-serif;color:var(--muted)}.pull-quote{border-left:4px solid var(--accent);padding-left:1rem;font-style:italic}
.related{border-top:2px solid var(--ink);margin:2rem 0;font-family:Arial,sans-serif}.tags{display:flex;gap:.5rem;list-style:none;padding:0}
.tags a{border:1px solid var(--rule);padding:.1rem .5rem;border-radius:1rem;font:.8rem Arial,sans-serif}
.sidebar ol{padding-left:1.2rem}.site-footer{margin-top:4rem;padding:2rem 1.5rem;background:#111;color:#ccc;font:.85rem Arial,sans-serif}
@media (max-width:900px){main{grid-template-columns:1fr}.sidebar{display:none}}
"""

ANALYTICS = """
window.dataLayer = window.dataLayer || [];
function gtag(){ dataLayer.push(arguments); }
gtag('js', new Date());
gtag('config', 'UA-0000000-1', { 'anonymize_ip': true, 'page_type': 'article' });
(function (w, d) {
  var consent = d.cookie.match(/(?:^|; )consent=([^;]*)/);
  w.courier = w.courier || { queue: [], ready: false };
  w.courier.queue.push(['pageview', { section: %(section)s, words: %(words)d, id: %(id)s }]);
  if (!consent) { d.documentElement.className += ' needs-consent'; }
})(window, document);
"""

CLOSING = """
document.querySelectorAll('.share a').forEach(function (a) {
  a.addEventListener('click', function (e) {
    e.preventDefault();
    window.open(a.href, 'share', 'width=600,height=480,noopener');
  });
});
if ('IntersectionObserver' in window) {
  var io = new IntersectionObserver(function (entries) {
    entries.forEach(function (en) { if (en.isIntersecting) { en.target.dataset.seen = '1'; } });
  });
  document.querySelectorAll('.ad-slot').forEach(function (s) { io.observe(s); });
}
"""


def choose(page, label, n):
    """A number in 0..n-1 fixed by the page number and a label."""
    digest = hashlib.sha256(f"{page}:{label}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % n


def text(s):
    """Escapes s for HTML and writes a few characters as entities, as publishing systems do."""
    s = html.escape(s, quote=False).replace("--", "&#8212;")
    return re.sub(r'"([^"]{1,200})"', r"&ldquo;\1&rdquo;", s)


def paragraphs_of(address):
    sentences = [s.strip() for s in SENTENCE_END.split(" ".join(address.split())) if s.strip()]
    out, i, k = [], 0, 0
    while i < len(sentences):
        size = 2 + (k * 7 + len(sentences[i])) % 5  # 2..6 sentences
        out.append(sentences[i : i + size])
        i += size
        k += 1
    return out


def slug(words):
    return re.sub(r"[^a-z0-9]+", "-", " ".join(words).lower()).strip("-")[:60]


def headline_of(paragraphs):
    for para in paragraphs:
        for sentence in para:
            words = sentence.split()
            if 7 <= len(words) <= 16:
                return sentence.rstrip(".!?:;,")
    words = paragraphs[0][0].split()[:12]
    return " ".join(words).rstrip(".!?:;,")


def linked(page, index, sentence_text):
    """Puts an inline link (and sometimes emphasis) on one long word of the paragraph."""
    words = WORD.findall(sentence_text)
    if not words:
        return text(sentence_text)
    word = words[choose(page, f"link{index}", len(words))]
    escaped = text(sentence_text)
    tag = choose(page, f"tag{index}", 4)
    if tag == 0:
        repl = f"<strong>{word}</strong>"
    elif tag == 1:
        repl = f"<em>{word}</em>"
    else:
        repl = f'<a href="/topics/{word.lower()}/" data-link-type="topic">{word}</a>'
    return re.sub(rf"\b{word}\b", repl, escaped, count=1)


def page_html(page, address_name, year, paragraphs, headlines):
    section = SECTIONS[choose(page, "section", len(SECTIONS))]
    author = AUTHORS[choose(page, "author", len(AUTHORS))]
    month = 1 + choose(page, "month", 2)
    day = 1 + choose(page, "day", 28)
    hour, minute = 14 + choose(page, "hour", 8), choose(page, "minute", 60)
    published = f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:00+00:00"
    headline = headline_of(paragraphs)
    url = f"{HOST}/{year:04d}/{month:02d}/{day:02d}/{slug(headline.split()[:8])}.html"
    dek = " ".join(paragraphs[0][:1])
    words = sum(len(s.split()) for para in paragraphs for s in para)
    e = lambda s: html.escape(s, quote=True)  # noqa: E731 (attribute values)

    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": headline,
        "datePublished": published,
        "author": [{"@type": "Person", "name": author}],
        "publisher": {"@type": "Organization", "name": SITE},
        "articleSection": section,
        "wordCount": words,
        "mainEntityOfPage": url,
    }
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{text(headline)} | {SITE}</title>",
        f'<meta name="description" content="{e(dek)}">',
        f'<meta property="og:title" content="{e(headline)}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:url" content="{url}">',
        f'<meta property="og:image" content="{HOST}/images/{page + 1:04d}-lead.jpg">',
        f'<meta property="article:published_time" content="{published}">',
        f'<meta property="article:section" content="{section}">',
        f'<meta property="article:author" content="{e(author)}">',
        f'<link rel="canonical" href="{url}">',
        '<link rel="preconnect" href="https://cdn.example.com">',
        '<link rel="stylesheet" href="/static/css/site.3f9a1c.css">',
        f"<style>{STYLE}</style>",
        f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>',
        "<script>"
        + ANALYTICS % {"section": json.dumps(section), "words": words, "id": json.dumps(f"a{page + 1:04d}")}
        + "</script>",
        '<script async src="https://cdn.example.com/ads/loader.js"></script>',
        "</head>",
        f'<body class="article-page section-{section.lower()}">',
        '<a class="skip-link" href="#main">Skip to content</a>',
        '<header class="site-header">',
        f'<div class="logo"><a href="/">{SITE}</a></div>',
        '<nav class="primary-nav" aria-label="Sections"><ul>',
    ]
    out += [f'<li><a href="/{s.lower()}/">{s}</a></li>' for s in SECTIONS]
    out += [
        "</ul></nav>",
        '<form class="search" role="search" action="/search"><label for="q" class="visually-hidden">Search</label>'
        '<input id="q" type="search" name="q" placeholder="Search the Courier"><button type="submit">Go</button></form>',
        "</header>",
        '<div class="ad-slot" id="ad-top" data-slot="leaderboard" data-size="728x90"><!-- advertisement --></div>',
        '<main id="main">',
        '<article class="story" itemscope itemtype="https://schema.org/NewsArticle">',
        '<header class="story-header">',
        f'<p class="kicker"><a href="/{section.lower()}/">{section}</a></p>',
        f'<h1 class="headline" itemprop="headline">{text(headline)}</h1>',
        f'<p class="standfirst">{text(dek)}</p>',
        f'<p class="byline">By <a rel="author" href="/authors/{slug(author.split())}/">{text(author)}</a> &middot; '
        f'<time datetime="{published}" itemprop="datePublished">{MONTHS[month - 1]} {day}, {year}</time></p>',
        "</header>",
        '<figure class="lead-image">'
        f'<img src="{HOST}/images/{page + 1:04d}-lead.jpg" alt="{e(headline)}" width="1200" height="675" loading="eager">'
        f"<figcaption>From the address of {year}. <span class=\"credit\">Photograph: Courier archive</span></figcaption>"
        "</figure>",
        '<div class="story-body" itemprop="articleBody">',
    ]
    quote_at = 2 + choose(page, "quote", max(1, len(paragraphs) - 3))
    list_at = 3 + choose(page, "list", max(1, len(paragraphs) - 4))
    related_at = len(paragraphs) // 2
    for index, para in enumerate(paragraphs[1:], start=1):
        if index % 5 == 0:
            out.append(f"<h2>{text(' '.join(para[0].split()[:6]).rstrip('.,;:'))}</h2>")
        if index == list_at:
            out.append('<ul class="story-list">')
            out += [f"<li>{text(s)}</li>" for s in para]
            out.append("</ul>")
            continue
        if index == quote_at:
            out.append(f'<blockquote class="pull-quote"><p>{text(para[0])}</p></blockquote>')
        body = " ".join(para)
        out.append(f"<p>{linked(page, index, body)}</p>")
        if index == related_at:
            out.append('<aside class="related" aria-label="Related stories"><h3>Related</h3><ul>')
            for k in range(3):
                other = (page + 1 + choose(page, f"related{k}", max(1, len(headlines) - 1))) % len(headlines)
                out.append(f'<li><a href="/story/{other + 1:04d}.html">{text(headlines[other])}</a></li>')
            out.append("</ul></aside>")
    out += [
        "</div>",
        '<footer class="story-footer">',
        '<ul class="tags">',
    ]
    tags = sorted({w.lower() for s in paragraphs[0] for w in WORD.findall(s)})[:5]
    out += [f'<li><a href="/topics/{t}/">{t}</a></li>' for t in tags]
    out += [
        "</ul>",
        '<div class="share"><a href="https://social.example.com/share?u=' + html.escape(url) + '">Share</a> '
        '<a href="mailto:?subject=' + html.escape(headline[:60]) + '">Email</a></div>',
        f'<p class="source">Text: State of the Union address, {year} ({address_name}).</p>',
        "</footer>",
        "</article>",
        '<aside class="sidebar">',
        '<div class="ad-slot" id="ad-side" data-slot="rectangle" data-size="300x250"></div>',
        '<section class="most-read"><h2>Most read</h2><ol>',
    ]
    for k in range(5):
        other = (page + 7 * (k + 1)) % len(headlines)
        out.append(f'<li><a href="/story/{other + 1:04d}.html">{text(headlines[other])}</a></li>')
    out += [
        "</ol></section>",
        '<section class="newsletter"><h2>The morning briefing</h2><p>The day\'s news, before breakfast.</p>'
        '<form action="/newsletter" method="post"><input type="email" name="email" placeholder="you@example.com">'
        '<button type="submit">Sign up</button></form></section>',
        "</aside>",
        "</main>",
        '<footer class="site-footer">',
        '<nav aria-label="Footer"><ul>',
        '<li><a href="/about/">About us</a></li><li><a href="/contact/">Contact</a></li>'
        '<li><a href="/privacy/">Privacy policy</a></li><li><a href="/terms/">Terms of use</a></li>'
        '<li><a href="/corrections/">Corrections</a></li>',
        "</ul></nav>",
        f'<p class="copyright">&copy; {year} {SITE}. All rights reserved.</p>',
        "</footer>",
        '<script src="/static/js/app.8c21e0.js" defer></script>',
        f"<script>{CLOSING}</script>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(out)


def main():
    p = argparse.ArgumentParser(description="Writes N news-like HTML pages (see the comment at the top).")
    p.add_argument("dir")
    p.add_argument("--count", type=int, default=200)
    p.add_argument("--sotu", default=os.path.join(ROOT, "corpus", "sotu"))
    args = p.parse_args()
    paths = sorted(glob.glob(os.path.join(args.sotu, "*.txt")))
    if not paths:
        sys.exit(f"make-html-pages: no *.txt in {args.sotu}")
    addresses = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            name = os.path.basename(path)
            addresses.append((name, int(name[:4]), paragraphs_of(f.read())))

    plans = []
    for page in range(args.count):
        name, year, paras = addresses[page % len(addresses)]
        start = 12 * (page // len(addresses))
        count = 8 + choose(page, "paragraphs", 13)  # 8..20 paragraphs
        chosen = [paras[(start + k) % len(paras)] for k in range(min(count, len(paras)))]
        plans.append((name, year, chosen))
    headlines = [headline_of(chosen) for _, _, chosen in plans]

    os.makedirs(args.dir, exist_ok=True)
    size = 0
    for page, (name, year, chosen) in enumerate(plans):
        data = page_html(page, name, year, chosen, headlines).encode("utf-8")
        with open(os.path.join(args.dir, f"page-{page + 1:04d}.html"), "wb") as f:
            f.write(data)
        size += len(data)
    print(f"make-html-pages: {args.count} pages, {size} bytes in {args.dir}")


if __name__ == "__main__":
    main()
