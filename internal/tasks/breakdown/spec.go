// Package breakdown reads a task breakdown table (重点工作任务分解表) as
// district offices write it — a title row, section rows (一、项目建设), a
// task name merged over the rows of its measures, several units in one
// cell, deadlines in words — into task records, or into the problems of
// each bad cell. It only parses: the units and leaders it matches names
// against are handed to it (see Directory), and package tasks writes.
package breakdown

import (
	"diaodu/internal/platform/xlsx"
)

// Column keys of Spec (xlsx.Row.Values keys).
const (
	ColNo           = "no"
	ColTitle        = "title"
	ColRequirements = "requirements"
	ColMeasures     = "measures"
	ColLeaders      = "leaders"
	ColLeadUnit     = "lead_unit"
	ColCoUnits      = "co_units"
	ColDeadline     = "deadline"
	ColResponsible  = "responsible"
	ColPhone        = "phone"
	ColNote         = "note"
)

// Spec is the breakdown table: the usual header texts and the variants
// offices use. 工作任务 is not marked required because a task name may
// stand on a row of its own above its measures; Parse checks it.
var Spec = xlsx.Spec{Name: "重点工作任务分解表", Heading: isHeading, Columns: []xlsx.Column{
	{Key: ColNo, Header: "序号", Aliases: []string{"编号", "序列"}, Example: "1", Width: 6},
	{Key: ColTitle, Header: "工作任务", Aliases: []string{"重点任务", "任务名称", "重点工作", "重点工作任务", "工作事项", "任务事项", "任务"},
		Example: "推进重点项目建设", Width: 24,
		Help: "必填。一项任务有多条措施时，可把任务名称合并单元格，每条措施一行：每行导入为一项任务"},
	{Key: ColRequirements, Header: "具体目标/措施", Aliases: []string{"具体目标", "工作目标", "目标任务", "目标要求", "工作要求", "具体内容",
		"工作内容", "任务目标", "具体目标任务", "目标措施", "具体目标措施", "主要内容", "目标及措施", "具体目标及措施"},
		Example: "9月底前完成青石产业园标准厂房主体工程，全年完成投资5亿元", Width: 40},
	{Key: ColMeasures, Header: "具体措施", Aliases: []string{"工作措施", "主要措施", "推进措施", "工作举措", "具体举措"}, Width: 40,
		Help: "有的表把目标和措施分为两列；两列都有时措施接在目标之后"},
	{Key: ColLeaders, Header: "牵头领导", Aliases: []string{"责任领导", "分管领导", "牵头区领导", "责任区领导", "包抓领导", "包联领导", "领导"},
		Example: "王明", Width: 12, Help: "区领导姓名，多人用顿号分隔；也可写职务（如“常务副区长”），仅当只有一位领导担任该职务时"},
	{Key: ColLeadUnit, Header: "牵头单位", Required: true, Aliases: []string{"责任单位", "牵头部门", "主责单位", "牵头责任单位", "主办单位",
		"责任单位牵头", "责任单位(牵头)", "牵头单位(部门)"},
		Example: "区发展和改革局", Width: 18,
		Help: "单位全称或简称。写多个单位时第一个为牵头单位，其余作为配合单位；写“各乡镇（街道）”时每个乡镇各导入一项任务"},
	{Key: ColCoUnits, Header: "配合单位", Aliases: []string{"协办单位", "责任单位(配合)", "责任单位配合", "配合部门", "协助单位", "协同单位",
		"参与单位", "配合责任单位"},
		Example: "区财政局、青石镇", Width: 24,
		Help: "多个单位用顿号、逗号、分号或换行分隔；可写“各乡镇（街道）”“区直各部门”"},
	{Key: ColDeadline, Header: "完成时限", Required: true, Aliases: []string{"时间节点", "完成时间", "时限要求", "完成时限要求", "时间要求",
		"办结时限", "截止时间", "时限"},
		Example: "9月底前", Width: 16,
		Help: "如 9月底前、2026年9月30日前、10月15日、年底前、上半年、三季度末、长期坚持、每月25日前、每周；" +
			"写多个时间（如“9月底前开工；12月底前竣工”）时各为一个节点，最后一个为完成时限"},
	{Key: ColResponsible, Header: "责任人", Aliases: []string{"具体责任人", "联系人", "经办人"}, Width: 10},
	{Key: ColPhone, Header: "联系电话", Aliases: []string{"电话", "联系方式", "手机"}, Width: 14},
	{Key: ColNote, Header: "备注", Aliases: []string{"说明"}, Width: 16},
}}

// Header is the Chinese header of a column key, for messages.
func Header(key string) string {
	for _, c := range Spec.Columns {
		if c.Key == key {
			return c.Header
		}
	}
	return key
}

// isHeading tells the rows that are not tasks themselves: those whose
// cells all say one thing (a section row, merged or in the first cell; a
// note under the table; a pre-numbered empty row), and those with only a
// number and a task name (the task's measures follow on the rows below).
// Parse decides what each one is.
func isHeading(v map[string]string) bool {
	first := ""
	onlyNoTitle := true
	single := true
	for k, x := range v {
		if x == "" {
			continue
		}
		if first == "" {
			first = x
		} else if x != first {
			single = false
		}
		if k != ColNo && k != ColTitle {
			onlyNoTitle = false
		}
	}
	return first != "" && (single || onlyNoTitle)
}
