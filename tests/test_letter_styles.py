from odoo.tests import BaseCase

from ..report.letter_styles import (
    inlinable,
    inline_stylesheets,
    linked_stylesheets,
    purged_stylesheet,
)

DOCUMENT = """<!DOCTYPE html><html><head>
<link type="text/css" rel="stylesheet" href="/web/assets/1/web.report.min.css"
 media="print"/>
<link rel="icon" href="/favicon.ico"/>
</head><body class="o_body_pdf container">
<div id="letterhead" class="row o_company_1_layout">
<span class='fw-bold' style="font-family: Raleway">Co</span></div>
<table class="table o_main_table"><tr><td class="text-end">1</td></tr></table>
</body></html>"""


class TestLetterStyles(BaseCase):
    """A batch of letters carries only the style rules that can apply to its
    elements: a rule is dropped only when it cannot match."""

    def purge(self, css):
        return purged_stylesheet(css, [DOCUMENT])

    def test_rules_of_classes_no_element_carries_are_dropped(self):
        css = (
            ".row{display:flex}.navbar{color:red}.table .o_main_table{x:1}"
            ".table.o_main_table td{y:2}.modal .row{z:3}#letterhead .fw-bold{w:4}"
            "#other{v:5}body{margin:0}td:hover{u:6}"
        )
        self.assertEqual(
            self.purge(css),
            ".row{display:flex}.table .o_main_table{x:1}.table.o_main_table td{y:2}"
            "#letterhead .fw-bold{w:4}body{margin:0}td:hover{u:6}",
        )

    def test_a_selector_list_keeps_the_selectors_that_may_match(self):
        self.assertEqual(
            self.purge(".navbar,.row>*,.modal-body{gap:0}"), ".row>*{gap:0}"
        )

    def test_what_cannot_be_decided_is_kept(self):
        css = (
            ".row:not(.navbar){a:1}:is(.navbar,.row){b:2}[class*=col-]{c:3}"
            '.w-\\31 00{d:4}a[href$=".navbar"]{e:5}.navbar:has(.row){f:6}'
        )
        self.assertEqual(
            self.purge(css),
            ".row:not(.navbar){a:1}:is(.navbar,.row){b:2}[class*=col-]{c:3}"
            '.w-\\31 00{d:4}a[href$=".navbar"]{e:5}',
        )

    def test_media_rules_are_filtered_and_other_at_rules_kept(self):
        css = (
            '@charset "UTF-8";@media print{.row{a:1}.navbar{b:2}}'
            "@media (min-width:576px){.navbar{c:3}}"
            "@supports (display:grid){@media print{.row{d:4}}}"
            "@keyframes spin{from{e:5}to{f:6}}@page{margin:0}"
        )
        self.assertEqual(
            self.purge(css),
            '@charset "UTF-8";@media print{.row{a:1}}'
            "@supports (display:grid){@media print{.row{d:4}}}"
            "@keyframes spin{from{e:5}to{f:6}}@page{margin:0}",
        )

    def test_font_faces_are_kept_when_a_rule_kept_names_their_family(self):
        css = (
            '@font-face{font-family:"Lato";src:url("/web/static/fonts/lato.woff")}'
            "@font-face{font-family:'Roboto';src:url(/roboto.ttf)}"
            "@font-face{font-family:Oswald;src:url(/oswald.ttf)}"
            ":root{--bs-font-sans-serif:system-ui,Roboto}"
            ".o_company_1_layout{font-family:Lato}.navbar{font-family:Oswald}"
        )
        purged = self.purge(css)
        self.assertIn("lato.woff", purged)
        self.assertIn("roboto.ttf", purged, "named by a custom property")
        self.assertNotIn("oswald", purged.lower())

    def test_strings_and_comments_do_not_break_the_rules(self):
        css = (
            '/* .row{ */.navbar::after{content:"}.row{"}.row::before{content:"{"}'
            "/* } */.text-end{text-align:right}"
        )
        self.assertEqual(
            self.purge(css),
            '.row::before{content:"{"}.text-end{text-align:right}',
        )

    def test_linked_stylesheets_are_replaced_by_their_rules(self):
        self.assertEqual(
            linked_stylesheets(DOCUMENT), ["/web/assets/1/web.report.min.css"]
        )
        inlined = inline_stylesheets(
            DOCUMENT,
            {"/web/assets/1/web.report.min.css": '.row::after{content:"</style>"}'},
        )
        self.assertIn(
            '<style media="print">.row::after{content:"<\\/style>"}</style>', inlined
        )
        self.assertNotIn("web.report.min.css", inlined)
        self.assertIn('<link rel="icon" href="/favicon.ico"/>', inlined)
        self.assertEqual(inline_stylesheets(DOCUMENT, {}), DOCUMENT)

    def test_a_stylesheet_with_relative_addresses_stays_linked(self):
        self.assertTrue(inlinable('@font-face{src:url("/web/static/f.woff")}'))
        self.assertTrue(inlinable(".a{background:url(data:image/png;base64,AA)}"))
        self.assertTrue(
            inlinable(".a{background:url( 'https://cdn.example.com/x.png')}")
        )
        self.assertFalse(inlinable(".a{background:url(../img/x.png)}"))
        self.assertFalse(inlinable('.a{background:url( "img/x.png")}'))

    def test_comments_before_a_block_keep_the_selectors_they_follow(self):
        self.assertEqual(
            self.purge(
                "@media print/*x*/{.row{a:1}}.navbar,/*x*/.row{b:2}"
                ".navbar /*c*/ .row{c:3}/*{*/.text-end{d:4}"
            ),
            "@media print{.row{a:1}}.row{b:2}.text-end{d:4}",
        )

    def test_selectors_whose_names_are_not_read_are_kept(self):
        css = ":nth-child(2n of .navbar,.row){a:1}.o_d\u00e9bt{b:2}svg|a{c:3}"
        self.assertEqual(self.purge(css), css)

    def test_a_family_named_by_an_element_keeps_its_font_face(self):
        purged = self.purge("@font-face{font-family:Raleway;src:url(/raleway.ttf)}")
        self.assertIn("raleway.ttf", purged)

    def test_an_import_of_a_relative_address_stays_linked(self):
        self.assertFalse(inlinable('@import "rel.css";'))
        self.assertTrue(inlinable('@import url("/web/static/x.css");'))
