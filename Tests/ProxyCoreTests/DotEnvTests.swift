import ProxyCore
import Testing

/// `.env` files: `KEY=value` lines with `export`, quotes, comments and any line ending.
@Suite struct DotEnvTests {
    @Test func plainAssignments() {
        #expect(DotEnv.parse("A=1\nB=two\nC=http://x:1/v1") == ["A": "1", "B": "two", "C": "http://x:1/v1"])
    }

    @Test func commentLinesAndBlankLinesAreSkipped() {
        let text = """
            # a comment
               # an indented comment

            A=1
            \t
            B=2
            #C=3
            """
        #expect(DotEnv.parse(text) == ["A": "1", "B": "2"])
    }

    @Test func exportPrefixIsDropped() {
        #expect(DotEnv.parse("export A=1\nexport   B = 2 \nexportC=3") == ["A": "1", "B": "2", "exportC": "3"])
    }

    @Test func whitespaceAroundKeysAndValuesIsTrimmed() {
        #expect(DotEnv.parse("  A  =   spaced value \t") == ["A": "spaced value"])
    }

    @Test func equalsSignsInValuesAreKept() {
        #expect(DotEnv.parse("LIMITS=gpt-4o=4000,o3=1000\nB==x") == ["LIMITS": "gpt-4o=4000,o3=1000", "B": "=x"])
    }

    @Test func emptyValuesAreEmptyStrings() {
        #expect(DotEnv.parse("A=\nB=\"\"\nC=''") == ["A": "", "B": "", "C": ""])
    }

    @Test func linesWithoutAnEqualsSignOrAKeyAreIgnored() {
        #expect(DotEnv.parse("JUSTTEXT\n=value\n  = x\nexport\nA=1") == ["A": "1"])
    }

    @Test func doubleQuotesKeepSpacesAndHashesAndExpandEscapes() {
        let text = #"""
            A="  padded  "
            B="has # hash"
            C="line\nnext\ttab"
            D="back\\slash"
            E="other \q escape"
            """#
        #expect(
            DotEnv.parse(text) == ["A": "  padded  ", "B": "has # hash", "C": "line\nnext\ttab", "D": #"back\slash"#, "E": "other q escape"])
    }

    @Test func singleQuotesAreLiteral() {
        #expect(DotEnv.parse(#"A='raw \n $HOME # not a comment'"#) == ["A": #"raw \n $HOME # not a comment"#])
    }

    @Test func textAfterTheClosingQuoteIsDropped() {
        #expect(DotEnv.parse(#"A="quoted" # comment"# + "\n" + "B='x'y") == ["A": "quoted", "B": "x"])
    }

    @Test func anUnterminatedQuoteRunsToTheEndOfTheLine() {
        #expect(DotEnv.parse("A=\"open value\nB='open too") == ["A": "open value", "B": "open too"])
    }

    @Test func commentsAfterUnquotedValuesNeedWhitespaceBeforeTheHash() {
        #expect(DotEnv.parse("A=value # comment\nB=value\t# tab comment\nC=value#fragment\nD=#all") == ["A": "value", "B": "value", "C": "value#fragment", "D": "#all"])
    }

    @Test(arguments: ["\n", "\r\n", "\r"])
    func everyLineEndingSeparatesLines(lineEnding: String) {
        let text = ["# c", "A=1", "", "export B=\"two\"", "C=3 # x", ""].joined(separator: lineEnding)
        #expect(DotEnv.parse(text) == ["A": "1", "B": "two", "C": "3"])
    }

    @Test func laterAssignmentsWin() {
        #expect(DotEnv.parse("A=1\nA=2") == ["A": "2"])
    }

    @Test func quotedKeyListsStayWhole() {
        #expect(DotEnv.parse(#"OPENAI_API_KEY="sk-1, sk-2""#) == ["OPENAI_API_KEY": "sk-1, sk-2"])
    }
}
