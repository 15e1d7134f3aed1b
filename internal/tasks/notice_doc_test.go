package tasks_test

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"diaodu/internal/platform/calendar"
	"diaodu/internal/tasks"
)

// docText is the text of a .docx's body, after checking that every part
// is well-formed XML.
func docText(t *testing.T, data []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	var text strings.Builder
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		dec := xml.NewDecoder(rc)
		inT := false
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
			if f.Name != "word/document.xml" {
				continue
			}
			switch el := tok.(type) {
			case xml.StartElement:
				inT = el.Name.Local == "t"
			case xml.EndElement:
				inT = false
				if el.Name.Local == "p" {
					text.WriteString("¶")
				}
			case xml.CharData:
				if inT {
					text.Write(el)
				}
			}
		}
		rc.Close()
	}
	return text.String()
}

func TestNoticeDocument(t *testing.T) {
	n := tasks.NoticeDoc{Number: "督办〔2026〕3号", Year: 2026, UnitName: "区发展和改革局", TaskNumber: "示督〔2026〕12号",
		TaskTitle: "推进<青石>产业园 & 标准厂房建设", Requirements: "9月底前完成主体工程；年底前投产。", Deadline: calendar.MustDate("2026-09-30"),
		Problem: "节点“主体完工”已逾期3个工作日", Content: "请你单位立即组织力量倒排工期。\n主要负责同志要亲自过问。",
		IssuedOn: calendar.MustDate("2026-10-08"), OfficeName: "示范区委督查室", ReplyBy: calendar.MustDate("2026-10-09")}
	data, err := tasks.NoticeDocument(n)
	if err != nil {
		t.Fatal(err)
	}
	got := docText(t, data)
	for _, want := range []string{
		"示范区委督查室督办通知单¶", "督办〔2026〕3号¶", "区发展和改革局：¶",
		"你单位牵头负责的“推进<青石>产业园 & 标准厂房建设”（示督〔2026〕12号）任务，具体要求为：9月底前完成主体工程；年底前投产。完成时限为2026年9月30日。¶",
		"经督查，节点“主体完工”已逾期3个工作日。¶", "请你单位立即组织力量倒排工期。¶主要负责同志要亲自过问。¶",
		"请于2026年10月9日前将办理情况书面报送示范区委督查室。¶",
		"督办事项¶示督〔2026〕12号¶推进<青石>产业园 & 标准厂房建设¶牵头单位¶区发展和改革局¶完成时限¶2026年9月30日¶督办原因¶",
		"示范区委督查室¶2026年10月8日¶",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("notice lacks %q\n%s", want, got)
		}
	}

	// Long-term work, no problem or demand written: the defaults read well.
	n.Deadline, n.Problem, n.Content, n.TaskNumber = calendar.Date{}, "", "", ""
	data, err = tasks.NoticeDocument(n)
	if err != nil {
		t.Fatal(err)
	}
	got = docText(t, data)
	for _, want := range []string{"完成时限为长期坚持。", "请你单位高度重视", "督办原因¶推进滞后¶"} {
		if !strings.Contains(got, want) {
			t.Errorf("notice lacks %q\n%s", want, got)
		}
	}
}
