package tasks

import (
	"strings"

	"diaodu/internal/platform/docx"
)

// defaultDemand is what a notice asks when the office wrote nothing more.
const defaultDemand = "请你单位高度重视，主要负责同志亲自研究部署，对照任务要求查找问题原因，制定切实可行的整改措施，明确责任人和完成时间，加快推进落实。"

// NoticeDocument lays a supervision notice (督办通知单) out as a Word file
// for printing, after GB/T 9704-2012: the office's name and 督办通知单 in
// red over the notice number and the red rule; the lead unit addressed;
// the task, its requirements and deadline, what the office found and what
// it demands, the date to answer by; a table of the essentials; the
// office's name over the date of issue.
func NoticeDocument(n NoticeDoc) ([]byte, error) {
	office := strings.TrimSpace(n.OfficeName)
	if office == "" {
		office = "督查室"
	}
	deadline := "长期坚持"
	if !n.Deadline.IsZero() {
		deadline = n.Deadline.Chinese()
	}
	task := "“" + n.TaskTitle + "”"
	if n.TaskNumber != "" {
		task += "（" + n.TaskNumber + "）"
	}

	blocks := docx.Header(office+"\n督办通知单", n.Number, 0)
	addressee := docx.Addressee(strings.TrimSpace(n.UnitName) + "：")
	addressee.SpaceBefore = docx.BodyLine
	blocks = append(blocks, addressee)

	intro := "你单位牵头负责的" + task + "任务"
	if req := strings.TrimSpace(n.Requirements); req != "" {
		intro += "，具体要求为：" + strings.TrimRight(req, "。；;，, ") + "。完成时限为" + deadline + "。"
	} else {
		intro += "，完成时限为" + deadline + "。"
	}
	blocks = append(blocks, docx.Body(intro))
	if p := strings.TrimSpace(n.Problem); p != "" {
		blocks = append(blocks, docx.Body("经督查，"+strings.TrimRight(p, "。")+"。"))
	}
	demand := strings.TrimSpace(n.Content)
	if demand == "" {
		demand = defaultDemand
	}
	for _, para := range strings.Split(demand, "\n") {
		if para = strings.TrimSpace(para); para != "" {
			blocks = append(blocks, docx.Body(para))
		}
	}
	if !n.ReplyBy.IsZero() {
		blocks = append(blocks, docx.Body("请于"+n.ReplyBy.Chinese()+"前将办理情况书面报送"+office+"。"))
	}

	row := func(label, value string) docx.TableRow {
		return docx.TableRow{MinHeight: 12, Cells: []docx.Cell{docx.CellText(label, docx.SizeSi, ""), docx.CellText(value, docx.SizeSi, docx.Left)}}
	}
	reason := strings.TrimSpace(n.Problem)
	if reason == "" {
		reason = "推进滞后"
	}
	matter := n.TaskTitle
	if n.TaskNumber != "" {
		matter = n.TaskNumber + "\n" + n.TaskTitle
	}
	table := &docx.Table{Widths: []float64{32, 124}, Rows: []docx.TableRow{
		row("督办事项", matter), row("牵头单位", n.UnitName), row("完成时限", deadline), row("督办原因", reason),
	}}
	spacer := &docx.Paragraph{}
	blocks = append(blocks, spacer, table)
	blocks = append(blocks, docx.Signature(office, n.IssuedOn.Chinese())...)

	doc := &docx.Document{Title: "督办通知单 " + n.Number, Creator: office,
		Sections: []docx.Section{{Blocks: blocks, PageNumbers: true}}}
	if !n.IssuedOn.IsZero() {
		doc.Created = n.IssuedOn.Start()
	}
	return doc.Write()
}
