"""|breakable: break opportunities only inside words too long for any column."""

from web.longwords import EVERY, breakable


def test_ordinary_text_comes_out_as_before():
    text = "Café Kornet: køkken & opvask <i>"
    assert breakable(text) == "Café Kornet: køkken &amp; opvask &lt;i&gt;"
    assert breakable("Arbejdsmarkedsuddannelse") == "Arbejdsmarkedsuddannelse"  # 24 characters
    assert breakable(None) == ""


def test_a_long_word_may_break_every_few_characters():
    title = "Pakkeri" + "X" * 193
    out = str(breakable(title + " & mere"))
    assert out.replace("<wbr>", "") == title + " &amp; mere"
    assert all(len(part) <= EVERY for part in out.split(" ")[0].split("<wbr>"))


def test_a_page_shows_a_long_title_with_break_opportunities(client, make, auth):
    employer = make.employer(name="Lagerhuset Nord")
    auth.login(make.user("employer", employer_id=employer.id))
    make.placement(employer, title="Pakkeri" + "X" * 193)
    html = client.get("/employer/placements").get_data(as_text=True)
    assert ">PakkeriX<wbr>XXXXXXXX<wbr>" in html  # the Title cell; no column as wide as it
