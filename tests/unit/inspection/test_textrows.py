"""Pages as rows of text: table rows as cells with their table's header, other blocks as lines."""

from __future__ import annotations

from crawler.extract.html import parse_page
from inspection.textrows import Row, text_rows, tree_rows


def test_table_rows_carry_their_header_and_blocks_are_lines():
    root = parse_page(
        "<html><head><title>t</title><script>var x='13812345678'</script></head><body>"
        "<p>公示名单<br>第二行</p>"
        "<table><tr><th>姓名</th><th>身份证号</th></tr><tr><td>张三</td><td><span>5301</span>21</td></tr></table>"
        "<table><tr><td>外表<table><tr><td>内1</td><td>内2</td></tr><tr><td>内3</td></tr></table></td></tr></table>"
        "<div style='display:none'>隐藏的文字<!-- 注释 --></div></body></html>"
    )
    assert tree_rows(root) == [
        Row("公示名单"),
        Row("第二行"),
        Row("姓名 | 身份证号"),
        Row("张三 | 530121", "姓名 | 身份证号"),
        Row("外表"),
        Row("内1 | 内2"),
        Row("内3", "内1 | 内2"),
        Row("隐藏的文字"),
    ]


def test_plain_text_lines():
    assert text_rows("  第一行\u3000 \n\n第二 \xa0 行\r\n") == [Row("第一行"), Row("第二 行")]
