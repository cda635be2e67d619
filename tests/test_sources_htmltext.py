"""HTML to plain text: words, lines, lists, tables, entities and broken markup."""

import pytest

from searchsvc.sources.htmltext import TextLine, html_to_lines, html_to_text, join_lines


def test_adjacent_inline_elements_join_without_a_space():
    # As in the Greve items: one word split across spans by the editor.
    assert html_to_text("<p><span>Erhvervsu</span><span>dvalget</span> mødes</p>") == "Erhvervsudvalget mødes"
    assert html_to_text("<p>m<sup>2</sup> og <em>kontant</em><strong>hjælp</strong></p>") == "m2 og kontanthjælp"


def test_whitespace_between_inline_elements_is_one_space():
    assert html_to_text("<span>Godkendt.</span>\r\n<span>Afbud:</span>  \t<span>A</span>") == "Godkendt. Afbud: A"


def test_block_elements_and_br_break_lines():
    html = "<div>Sagsprocedure</div><div>Byrådet.</div>linje 1<br>linje 2<br/>linje 3"
    assert html_to_text(html) == "Sagsprocedure\nByrådet.\nlinje 1\nlinje 2\nlinje 3"


def test_paragraphs_are_set_off_by_one_blank_line():
    html = "<p>Første.</p><p> </p><p>&nbsp;</p><p></p><p>Anden.</p><br><br><br><p>Tredje.</p>"
    assert html_to_text(html) == "Første.\n\nAnden.\n\nTredje."


def test_br_br_makes_a_blank_line():
    # The Greve decision layout: the attendance note after two line breaks.
    html = '<span><p class="xsltFirstParagraph">Godkendt.</p>\n<p> </p><br><br>Afbud: Liselott Blixt</span>'
    assert html_to_text(html) == "Godkendt.\n\nAfbud: Liselott Blixt"


def test_unordered_list_items_get_a_dash():
    html = '<p>Følgende:</p><ul style="list-style-type: disc;">\n <li>Der er afsat 30 minutter</li>\n <li><p>Spørgsmål kan stilles</p></li></ul><p>Slut.</p>'
    assert html_to_text(html) == "Følgende:\n\n- Der er afsat 30 minutter\n- Spørgsmål kan stilles\n\nSlut."


def test_ordered_list_items_keep_their_numbers():
    assert html_to_text("<ol><li>at a</li><li>at b</li></ol>") == "1. at a\n2. at b"
    assert html_to_text('<ol start="4"><li>at d</li><li>at e</li></ol>') == "4. at d\n5. at e"


def test_nested_lists_are_indented_and_stay_together():
    html = "<ul><li>a<ol><li>en</li><li>to</li></ol></li><li>b</li></ul>"
    assert html_to_text(html) == "- a\n  1. en\n  2. to\n- b"


def test_table_cells_are_separated_and_rows_are_lines():
    html = (
        "<table><tbody><tr><td><p>Mio. kr.</p></td><td><p>2023</p></td><td>2024</td></tr>\n"
        "<tr><td>Drift</td><td>1,2</td><td>&nbsp;</td><td></td></tr>"
        "<tr><td> </td><td></td></tr></tbody></table><p>Efter tabellen.</p>"
    )
    assert html_to_text(html) == "Mio. kr. | 2023 | 2024 |\nDrift | 1,2 |\n\nEfter tabellen."


def test_a_table_line_carries_its_table_with_the_columns_kept():
    lines = html_to_lines("<p>Før.</p><table><tr><th>Post</th><th></th><th>2024</th></tr>"
                          "<tr><td>Drift</td><td></td><td>-3.200</td></tr></table><p>Efter.</p>")
    assert [line.text for line in lines] == ["Før.", "Post | 2024 |\nDrift | -3.200 |", "Efter."]
    table = lines[1].table
    assert table is not None and table.header_rows == 1
    assert [[cell.text for cell in row] for row in table.rows] == [["Post", "", "2024"], ["Drift", "", "-3.200"]]
    assert lines[2].gap  # the text after a table starts a paragraph


def test_a_one_row_table_is_a_line_without_its_empty_cells():
    assert html_to_text("<table><tr><td>a</td><td></td><td>c</td></tr></table>") == "a | c |"


def test_entities_decode():
    assert html_to_text("<p>Byr&aring;det &amp; Tina Rottb&oslash;ll &#8211; &quot;ja&quot; &lt;3</p>") == (
        'Byrådet & Tina Rottbøll – "ja" <3'
    )


def test_invisible_characters_and_no_break_spaces():
    assert html_to_text("<p>ud\u00advalget\u200b\u00a0\u00a0mødes</p>") == "udvalget mødes"


def test_script_and_style_are_not_text():
    assert html_to_text("<style>p{}</style><p>Tekst</p><script>alert(1)</script>") == "Tekst"


def test_headings_are_marked_with_their_level():
    lines = html_to_lines("<h3>Beslutning</h3><span>Godkendt.</span><h4>Resume</h4><p>Kort.</p>")
    assert lines == [
        TextLine("Beslutning", heading=3),
        TextLine("Godkendt.", gap=True),
        TextLine("Resume", heading=4, gap=True),
        TextLine("Kort.", gap=True),
    ]


def test_bold_lines_are_marked():
    lines = html_to_lines("<p><strong>Indstilling</strong></p><p><em>Administrationen</em> <b>indstiller</b></p>")
    assert [(line.text, line.bold) for line in lines] == [("Indstilling", True), ("Administrationen indstiller", False)]


def test_join_lines_puts_one_blank_line_where_a_paragraph_starts():
    lines = [TextLine("a", gap=True), TextLine("b"), TextLine("c", gap=True)]
    assert join_lines(lines) == "a\nb\n\nc"


@pytest.mark.parametrize("html", [
    "", "<", "</", "<p", "<![foo bar", "<!--", "<![CDATA[x", "</td></tr></table>", "<td>x", "<li>x",
    "<ol start='x'><li>a", "&#99999999;", "<h3>unclosed", "</ul></ol></li>", "<table><tr><td><table><tr><td>x",
])
def test_broken_markup_never_raises(html):
    assert isinstance(html_to_text(html), str)


def test_broken_markup_is_read_as_far_as_it_goes():
    assert html_to_text("<p>Godkendt.<li>x") == "Godkendt.\n- x"
    assert html_to_text("tekst <![foo bar") == "tekst <![foo bar"
