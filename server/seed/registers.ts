/**
 * Demo register data for a new database: suppliers (one black-listed), the two demo organisations' supplier and
 * agency records linked to the demo `supplier` and `agency` accounts (so "own record" rules work), ~60 catalogue
 * items under real 品目 codes, 18 experts (the demo `expert` account and expert1…expert12 are their logins), credit records and panels.
 * Idempotent: does nothing when the supplier register already has rows.
 */
import { Op, type Transaction } from 'sequelize';
import { defineAuthModels } from '../auth/models.ts';
import { creditCodeCheckChar } from '../registry/credit-code.ts';
import { registryModels, sequelizeOf } from '../registry/models.ts';
import { creditModels } from '../credit/models.ts';
import { saveVersion } from '../registry/common.ts';

/** A valid 统一社会信用代码 from its first 17 characters. */
const cc = (first17: string) => first17 + creditCodeCheckChar(first17);
/** A valid 18-digit ID number from its first 17 digits. */
function idNo(first17: string): string {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * w[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

export const DEMO_SUPPLIER_CODE = cc('91510703MA6AT3L50');
export const DEMO_AGENCY_CODE = cc('91510703MA6AG0001');
export const DEMO_BLACKLISTED_CODE = cc('91510703MA63FC001');

type Q = [name: string, certNo: string, expiresOn: string];
const SUPPLIERS: {
  code: string; name: string; legalRep: string; contact: string; phone: string; address: string;
  scale: 'large' | 'medium' | 'small' | 'micro'; quals: Q[]; bank: string; account: string; org?: string;
}[] = [
  { code: DEMO_SUPPLIER_CODE, name: '绵阳某某信息技术有限公司', legalRep: '周建华', contact: '周经理', phone: '0816-2345678', address: '绵阳市涪城区临园路东段 68 号', scale: 'small', quals: [['信息系统集成及服务资质（三级）', 'XZ3510020190123', '2027-06-30'], ['ISO 9001 质量管理体系认证', '00122Q31234R0S', '2026-12-15']], bank: '中国工商银行绵阳涪城支行', account: '2308416209100012345', org: '绵阳某某信息技术有限公司' },
  { code: cc('91510703MA62XY1K0'), name: '绵阳市科创电子科技有限公司', legalRep: '李明', contact: '李娟', phone: '0816-2211334', address: '绵阳市涪城区剑南路西段 12 号', scale: 'micro', quals: [['营业执照', '510703000123456', '2039-05-01']], bank: '中国建设银行绵阳分行', account: '51050167020800001234', org: undefined },
  { code: cc('91510703MA6BQ2R05'), name: '四川天府办公家具有限公司', legalRep: '王德福', contact: '王强', phone: '028-85561234', address: '成都市武侯区武兴一路 8 号', scale: 'medium', quals: [['中国环境标志产品认证', 'CEC2024ELP01234', '2027-09-30'], ['ISO 14001 环境管理体系认证', '00123E30987R1M', '2025-12-31']], bank: '中国农业银行成都武侯支行', account: '22812301040012345' },
  { code: DEMO_BLACKLISTED_CODE, name: '绵阳市涪城区顺达印务有限公司', legalRep: '赵顺达', contact: '赵丽', phone: '0816-2256789', address: '绵阳市涪城区工区路 21 号', scale: 'micro', quals: [['印刷经营许可证', '（川）印证字 510703001 号', '2027-12-31']], bank: '绵阳市商业银行涪城支行', account: '10200100123456789' },
  { code: cc('91510704MA6ABC123'), name: '四川锦程网络工程有限公司', legalRep: '陈锦程', contact: '陈晓', phone: '0816-6331122', address: '绵阳市游仙区东津路 5 号', scale: 'small', quals: [['电子与智能化工程专业承包二级', 'D251012345', '2028-03-31'], ['安全生产许可证', '（川）JZ 安许证字〔2021〕012345', '2027-02-28']], bank: '中国银行绵阳游仙支行', account: '122012345678' },
  { code: cc('91510100MA61W8X7A'), name: '成都蓉星计算机系统有限公司', legalRep: '刘星', contact: '刘芳', phone: '028-86671234', address: '成都市高新区天府大道中段 1388 号', scale: 'medium', quals: [['ITSS 运行维护服务能力成熟度三级', 'ITSS-YW-3-510020200123', '2027-08-31']], bank: '招商银行成都高新支行', account: '128901234510001' },
  { code: cc('91510703MA6CNP0J1'), name: '绵阳市涪城区鑫源物业管理有限公司', legalRep: '张鑫', contact: '张敏', phone: '0816-2398765', address: '绵阳市涪城区园艺山一路 3 号', scale: 'small', quals: [['物业服务企业信用评价 AAA', 'MYWY-2025-018', '2026-12-31']], bank: '四川农村商业银行绵阳涪城支行', account: '88010120000123456' },
  { code: cc('91510703MA6D0K3L7'), name: '绵阳市新华文化用品有限公司', legalRep: '孙新华', contact: '孙倩', phone: '0816-2223344', address: '绵阳市涪城区大华街 45 号', scale: 'micro', quals: [], bank: '中国邮政储蓄银行绵阳分行', account: '951005010001234567' },
  { code: cc('91510703MA6E5R8T2'), name: '四川川西空调设备工程有限公司', legalRep: '黄川', contact: '黄涛', phone: '0816-2287766', address: '绵阳市涪城区飞云大道 261 号', scale: 'small', quals: [['特种设备安装改造维修许可证（压力管道）', 'TS3851123-2027', '2027-04-30']], bank: '中国光大银行绵阳分行', account: '78450188000123456' },
  { code: cc('91510600MA6DL4P9Q'), name: '德阳市华西建设工程有限公司', legalRep: '吴华西', contact: '吴斌', phone: '0838-2501234', address: '德阳市旌阳区长江西路 99 号', scale: 'medium', quals: [['建筑工程施工总承包二级', 'D251098765', '2028-12-31']], bank: '中国工商银行德阳分行', account: '2305020109000123456' },
];

// [category code, name, spec, unit, reference price in 元]
const GOODS: [string, string, string, string, string][] = [
  ['A02010104', '台式计算机', 'Intel Core i5 / 16GB / 512GB SSD / 23.8 英寸显示器 / 国产操作系统', '台', '5200.00'],
  ['A02010104', '台式计算机', 'Intel Core i7 / 32GB / 1TB SSD / 27 英寸显示器', '台', '7800.00'],
  ['A02010104', '台式计算机', '国产 CPU（龙芯 3A6000）/ 16GB / 512GB SSD / 统信 UOS', '台', '6500.00'],
  ['A02010104', '台式计算机', '国产 CPU（飞腾 D2000）/ 16GB / 512GB SSD / 麒麟操作系统', '台', '6300.00'],
  ['A02010104', '台式计算机（教学用）', 'Intel Core i3 / 8GB / 256GB SSD / 21.5 英寸显示器', '台', '3600.00'],
  ['A02010105', '便携式计算机', '14 英寸 / Intel Core i5 / 16GB / 512GB SSD / ≤1.5kg', '台', '6200.00'],
  ['A02010105', '便携式计算机', '15.6 英寸 / Intel Core i7 / 32GB / 1TB SSD / 独立显卡', '台', '9800.00'],
  ['A02010105', '便携式计算机', '14 英寸 / 国产 CPU / 16GB / 512GB SSD / 国产操作系统', '台', '7200.00'],
  ['A02010107', '平板式微型计算机', '10.9 英寸 / 128GB / WLAN', '台', '3200.00'],
  ['A02010103', '服务器', '2U 机架式 / 2×Intel Xeon Silver 4314 / 128GB / 4×1.2TB SAS / 双电源', '台', '48000.00'],
  ['A02010103', '服务器', '1U 机架式 / 1×Intel Xeon Silver 4310 / 64GB / 2×960GB SSD', '台', '26000.00'],
  ['A02010103', '服务器', '2U 机架式 / 2×海光 7285 / 256GB / 4×1.92TB SSD / 国产操作系统', '台', '68000.00'],
  ['A02010201', '路由器', '企业级 / 4×GE WAN / VPN / 带机量 200', '台', '4800.00'],
  ['A02010201', '路由器', '核心出口 / 2×10GE / 8×GE / 双电源', '台', '18500.00'],
  ['A02010202', '交换机', '24 口千兆电口 + 4 口万兆光口 / 三层 / 可网管', '台', '3800.00'],
  ['A02010202', '交换机', '48 口千兆电口 + 4 口万兆光口 / 三层 / 可网管', '台', '6800.00'],
  ['A02010202', '交换机', '核心交换机 / 机框式 / 双主控 / 双电源', '台', '85000.00'],
  ['A02010202', '交换机', '8 口千兆 / 非网管 / 桌面型', '台', '260.00'],
  ['A020105', '磁盘阵列', '双控 / 24 盘位 / 配 12×8TB NL-SAS / 16Gb FC', '台', '98000.00'],
  ['A020105', '网络存储设备（NAS）', '4 盘位 / 配 4×8TB / 双千兆', '台', '9800.00'],
  ['A02010601', '激光打印机', 'A4 黑白 / 35 页/分钟 / 自动双面 / 网络', '台', '2300.00'],
  ['A02010601', '激光打印机', 'A4 彩色 / 27 页/分钟 / 自动双面 / 网络', '台', '4600.00'],
  ['A02010601', '激光打印机', 'A3 黑白 / 30 页/分钟 / 网络', '台', '6800.00'],
  ['A02010601', '针式打印机', '24 针 / 82 列 / 平推式 / 票据打印', '台', '2600.00'],
  ['A02010604', '液晶显示器', '23.8 英寸 / IPS / 1920×1080', '台', '850.00'],
  ['A02010604', '液晶显示器', '27 英寸 / IPS / 2560×1440', '台', '1600.00'],
  ['A020201', '复印机', 'A3 黑白数码复合机 / 35 页/分钟 / 双面输稿器', '台', '18000.00'],
  ['A020201', '复印机', 'A3 彩色数码复合机 / 45 页/分钟 / 双面输稿器 / 装订', '台', '42000.00'],
  ['A020202', '投影仪', '激光光源 / 4500 流明 / 1920×1200', '台', '12500.00'],
  ['A020202', '投影仪', 'LCD / 3600 流明 / 1024×768 / 教学用', '台', '3800.00'],
  ['A020203', '投影幕', '120 英寸 / 16:10 / 电动', '幅', '1200.00'],
  ['A020203', '投影幕', '100 英寸 / 4:3 / 手动', '幅', '380.00'],
  ['A020204', '多功能一体机', 'A4 黑白激光 / 打印 复印 扫描 / 30 页/分钟 / 网络', '台', '2100.00'],
  ['A020204', '多功能一体机', 'A4 彩色激光 / 打印 复印 扫描 传真 / 网络', '台', '4200.00'],
  ['A0206180203', '空调机', '壁挂式 / 1.5 匹 / 变频 / 一级能效', '台', '3200.00'],
  ['A0206180203', '空调机', '立柜式 / 3 匹 / 变频 / 一级能效', '台', '7800.00'],
  ['A0206180203', '空调机', '多联机室外机 / 10 匹 / 变频', '台', '36000.00'],
  ['A0601', '学生公寓床', '上床下桌 / 钢木 / 1900×900mm', '套', '1450.00'],
  ['A0601', '单人床', '实木 / 2000×1200mm', '张', '980.00'],
  ['A0602', '办公桌', '钢木 / 1400×700×750mm / 带副柜', '张', '1150.00'],
  ['A0602', '会议桌', '实木贴皮 / 3600×1500×760mm', '张', '6800.00'],
  ['A0602', '课桌', '单人 / 升降 / 钢木 / 600×400mm', '张', '320.00'],
  ['A0603', '办公椅', '网布 / 可升降 / 带扶手', '把', '450.00'],
  ['A0603', '会议椅', '皮质 / 固定 / 带扶手', '把', '520.00'],
  ['A0603', '课椅', '单人 / 升降 / 钢木', '把', '160.00'],
  ['A0604', '办公沙发', '三人位 / 皮质 / 2000mm', '套', '3800.00'],
  ['A0605', '文件柜', '钢制 / 五节 / 900×400×1850mm', '组', '980.00'],
  ['A0605', '保密柜', '钢制 / 电子密码锁 / 双节', '组', '2200.00'],
  ['A0605', '档案密集架', '手动 / 冷轧钢 / 每立方米', '立方米', '950.00'],
  ['A090101', '复印纸', 'A4 / 70g / 500 张/包 / 5 包/箱', '箱', '125.00'],
  ['A090101', '复印纸', 'A4 / 80g / 500 张/包 / 5 包/箱', '箱', '150.00'],
  ['A090101', '复印纸', 'A3 / 70g / 500 张/包 / 5 包/箱', '箱', '250.00'],
  ['A0902', '硒鼓', '原装 / 适配 A4 黑白激光打印机 / 约 3000 页', '个', '520.00'],
  ['A0902', '粉盒', '原装 / 适配 A3 数码复合机 / 约 20000 页', '个', '380.00'],
  ['C0205', '信息系统运行维护服务', '政务网络及终端驻场运维 / 1 人 / 5×8 小时', '年', '96000.00'],
  ['C0205', '机房运行维护服务', '机房巡检、UPS 与精密空调维保 / 季度巡检', '年', '36000.00'],
  ['C0202', '信息系统集成实施服务', '中小型局域网综合布线与设备安装调试 / 按信息点', '点', '350.00'],
  ['C0201', '软件开发服务', '定制开发 / 按人月', '人月', '25000.00'],
  ['C1204', '物业管理服务', '办公楼综合物业（保洁、秩序维护、设备运行）/ 按建筑面积', '平方米·月', '3.50'],
  ['C1204', '物业管理服务', '学校物业（保洁、宿管、绿化）/ 按建筑面积', '平方米·月', '2.80'],
  ['B07', '室内装修工程', '办公区简装：乳胶漆墙面、600×600 地砖、轻钢龙骨吊顶', '平方米', '380.00'],
  ['B08', '屋面防水修缮', 'SBS 改性沥青防水卷材 / 4mm / 含拆除', '平方米', '95.00'],
];

const EXPERTS: { code: string; name: string; id17: string; employer: string; title: string; specialties: string[]; phone: string; demoUser?: boolean; pools?: ('gp' | 'works')[]; conflicts?: { kind: 'supplier' | 'employer'; value: string; note?: string }[] }[] = [
  { code: 'FCZJ-0001', name: '孙立新', id17: '51070319720315231', employer: '西南科技大学计算机科学与技术学院', title: '教授', specialties: ['A0201', 'C02'], phone: '13908161234', demoUser: true, conflicts: [{ kind: 'supplier', value: DEMO_SUPPLIER_CODE, note: '配偶在该公司任职' }] },
  { code: 'FCZJ-0002', name: '王建国', id17: '51070319650822101', employer: '绵阳师范学院', title: '高级工程师', specialties: ['A0201', 'A0202'], phone: '13990112233' },
  { code: 'FCZJ-0003', name: '李晓梅', id17: '51070419780603252', employer: '四川省绵阳市中心医院', title: '副主任医师', specialties: ['A0206'], phone: '13881612345' },
  { code: 'FCZJ-0004', name: '张德明', id17: '51070319700111401', employer: '绵阳市建筑设计研究院有限公司', title: '高级工程师', specialties: ['B01', 'B07', 'B08'], phone: '13700811234', pools: ['gp', 'works'] },
  { code: 'FCZJ-0005', name: '刘春燕', id17: '51070319820925362', employer: '涪城区审计局（退休）', title: '高级审计师', specialties: ['C12', 'C1204'], phone: '13550811234' },
  { code: 'FCZJ-0006', name: '陈志强', id17: '51010619760418201', employer: '四川大学网络空间安全学院', title: '副教授', specialties: ['A0201', 'C0201', 'C0202'], phone: '13808001234' },
  { code: 'FCZJ-0007', name: '杨静', id17: '51070319851207182', employer: '绵阳市财政局政府采购中心（退休）', title: '会计师', specialties: ['A09', 'A06'], phone: '13778012345', conflicts: [{ kind: 'employer', value: '四川天府办公家具有限公司', note: '曾任该公司顾问（2024 年）' }] },
  { code: 'FCZJ-0008', name: '黄伟', id17: '51070319790330301', employer: '中国电信股份有限公司绵阳分公司', title: '高级工程师', specialties: ['A020102', 'C0205'], phone: '18981612345' },
  { code: 'FCZJ-0009', name: '周海燕', id17: '51070319800716262', employer: '绵阳市涪城区教育研究与培训中心', title: '中学高级教师', specialties: ['A06', 'A0202'], phone: '13990198765' },
  { code: 'FCZJ-0010', name: '吴国平', id17: '51060319681109101', employer: '德阳市质量技术监督检测院', title: '正高级工程师', specialties: ['A0206', 'B06'], phone: '13908381234', pools: ['gp', 'works'] },
  { code: 'FCZJ-0011', name: '郑丽', id17: '51070319870214142', employer: '四川九洲电器集团有限责任公司', title: '工程师', specialties: ['A0201', 'A020106'], phone: '15908161234' },
  { code: 'FCZJ-0012', name: '何军', id17: '51070319740505321', employer: '绵阳市律师协会', title: '律师（法律专家）', specialties: ['C'], phone: '13881698765' },
  // Added for the procurement chain's demo (issue 4): with the accounts below, a computer tender (A02010104) can
  // draw a panel of 7 even after recusals.
  { code: 'FCZJ-0013', name: '罗敏', id17: '51070319770812242', employer: '绵阳职业技术学院信息工程系', title: '副教授', specialties: ['A0201', 'A020201'], phone: '13890112345' },
  { code: 'FCZJ-0014', name: '谢明', id17: '51070319830119151', employer: '中国移动通信集团四川有限公司绵阳分公司', title: '高级工程师', specialties: ['A0201', 'C02'], phone: '13981612233' },
  { code: 'FCZJ-0015', name: '唐丽华', id17: '51070219750627262', employer: '绵阳市游仙区教育和体育局（退休）', title: '中学高级教师', specialties: ['A0201', 'A06'], phone: '13550812345' },
  { code: 'FCZJ-0016', name: '韩志刚', id17: '51072219690304171', employer: '四川长虹电子控股集团有限公司技术中心（退休）', title: '正高级工程师', specialties: ['A0201', 'A0206'], phone: '13908115566' },
  { code: 'FCZJ-0017', name: '曹芳', id17: '51070319880923182', employer: '绵阳市物业管理协会', title: '经济师', specialties: ['A06', 'C1204'], phone: '15883612345' },
  { code: 'FCZJ-0018', name: '邓斌', id17: '51070419810417131', employer: '西南科技大学后勤服务中心', title: '高级经济师', specialties: ['C02', 'C1204'], phone: '18990112345' },
  // 综合评标专家库 (works tenders, 招标投标法实施条例第46条; issue 11): with FCZJ-0004, a 装修/房建 tender (B01, B07, B08)
  // can draw a panel of 5 plus reserves after recusals.
  { code: 'FCGZ-0001', name: '冯建华', id17: '51070319680512211', employer: '四川省建筑设计研究院有限公司绵阳分院', title: '正高级工程师', specialties: ['B01', 'B07'], phone: '13908162001', pools: ['works'] },
  { code: 'FCGZ-0002', name: '蒋丽', id17: '51070319790903222', employer: '绵阳市建设工程造价管理站（退休）', title: '高级工程师（造价）', specialties: ['B01', 'B07', 'B08'], phone: '13908162002', pools: ['works'] },
  { code: 'FCGZ-0003', name: '秦勇', id17: '51070419720214231', employer: '西南科技大学土木工程与建筑学院', title: '教授', specialties: ['B01', 'B08'], phone: '13908162003', pools: ['works'] },
  { code: 'FCGZ-0004', name: '许文静', id17: '51070319860628242', employer: '中国华西企业有限公司绵阳分公司', title: '高级工程师', specialties: ['B07'], phone: '13908162004', pools: ['works'] },
  { code: 'FCGZ-0005', name: '曾德胜', id17: '51072219660117251', employer: '绵阳市工程建设监理有限公司', title: '高级工程师（监理）', specialties: ['B01', 'B07'], phone: '13908162005', pools: ['works'] },
  { code: 'FCGZ-0006', name: '彭晓燕', id17: '51070319831009262', employer: '四川正信会计师事务所（造价咨询部）', title: '注册造价工程师', specialties: ['B07', 'B08'], phone: '13908162006', pools: ['works'] },
  { code: 'FCGZ-0007', name: '潘立军', id17: '51070219751122271', employer: '绵阳市消防救援支队（退休）', title: '高级工程师', specialties: ['B01', 'B08'], phone: '13908162007', pools: ['works'] },
];

/**
 * Demo logins of experts besides `expert` (FCZJ-0001): user name → expert code. They share the `expert` account's
 * password (the demo password), so whoever a demo tender's draw picks can log in and score.
 */
export const DEMO_EXPERT_ACCOUNTS: [username: string, code: string][] = [
  ['expert1', 'FCZJ-0002'], ['expert2', 'FCZJ-0006'], ['expert3', 'FCZJ-0011'], ['expert4', 'FCZJ-0008'], ['expert5', 'FCZJ-0009'],
  ['expert6', 'FCZJ-0005'], ['expert7', 'FCZJ-0013'], ['expert8', 'FCZJ-0014'], ['expert9', 'FCZJ-0015'], ['expert10', 'FCZJ-0016'],
  ['expert11', 'FCZJ-0017'], ['expert12', 'FCZJ-0018'],
  // 综合评标专家库 (works tenders)
  ['expert13', 'FCGZ-0001'], ['expert14', 'FCGZ-0002'], ['expert15', 'FCGZ-0003'], ['expert16', 'FCGZ-0004'], ['expert17', 'FCGZ-0005'],
  ['expert18', 'FCGZ-0006'], ['expert19', 'FCGZ-0007'], ['expert20', 'FCZJ-0004'],
];

export async function seedRegisters(tx: Transaction, at: Date = new Date()): Promise<void> {
  const sequelize = sequelizeOf(tx);
  const models = registryModels(sequelize);
  const { Supplier, Agency, GoodsItem, Expert, PanelService } = models;
  if ((await Supplier.count({ transaction: tx })) > 0) return;
  const { Organisation, User } = defineAuthModels(sequelize);
  const by = 'seed';
  const audit = { version: 1, createdAt: at, updatedAt: at, updatedBy: by };
  const orgs = await Organisation.findAll({ where: { name: { [Op.in]: ['绵阳某某信息技术有限公司', '四川某某招标代理有限公司'] } }, transaction: tx });
  const orgId = (name: string) => orgs.find((o) => o.name === name)?.id ?? null;

  for (const s of SUPPLIERS) {
    const row = await Supplier.create({
      creditCode: s.code, name: s.name, legalRep: s.legalRep, contactName: s.contact, contactPhone: s.phone, address: s.address, scale: s.scale,
      qualifications: s.quals.map(([name, certNo, expiresOn]) => ({ name, certNo, expiresOn })), bankName: s.bank, bankAccount: s.account,
      status: 'active', organisationId: s.org ? orgId(s.org) : null, source: 'register', ...audit,
    }, { transaction: tx });
    await saveVersion(models, tx, 'supplier', row, 'create', by, at);
  }
  // The organisation records carry the credit code too, so the two registers agree.
  await Organisation.update({ creditCode: DEMO_SUPPLIER_CODE }, { where: { name: '绵阳某某信息技术有限公司', creditCode: null }, transaction: tx });
  await Organisation.update({ creditCode: DEMO_AGENCY_CODE }, { where: { name: '四川某某招标代理有限公司', creditCode: null }, transaction: tx });

  const agencyUsers = await User.findAll({ where: { username: 'agency' }, transaction: tx });
  for (const a of [
    { creditCode: DEMO_AGENCY_CODE, name: '四川某某招标代理有限公司', contactName: '陈代理', contactPhone: '0816-2399001', address: '绵阳市涪城区涪城路 18 号 6 楼', staffUserIds: agencyUsers.map((u) => u.id), organisationId: orgId('四川某某招标代理有限公司') },
    { creditCode: cc('91510703MA6BJL007'), name: '绵阳市公正工程项目管理有限公司', contactName: '林芳', contactPhone: '0816-2377002', address: '绵阳市涪城区长虹大道中段 25 号', staffUserIds: [], organisationId: null },
  ]) {
    const row = await Agency.create({ ...a, status: 'active', ...audit }, { transaction: tx });
    await saveVersion(models, tx, 'agency', row, 'create', by, at);
  }

  for (const [categoryCode, name, spec, unit, yuan] of GOODS) {
    const [y, f = '0'] = yuan.split('.');
    const row = await GoodsItem.create({ categoryCode, name, spec, unit, referencePriceFen: Number(y) * 100 + Number(f.padEnd(2, '0')), status: 'active', ...audit }, { transaction: tx });
    await saveVersion(models, tx, 'goods', row, 'create', by, at);
  }

  const expertUser = await User.findOne({ where: { username: 'expert' }, transaction: tx });
  const accountOf = new Map<string, number>();
  if (expertUser) {
    for (const [username, code] of DEMO_EXPERT_ACCOUNTS) {
      const name = EXPERTS.find((e) => e.code === code)?.name ?? username;
      const u = await User.create({ username, displayName: `${name}（评审专家）`, passwordHash: expertUser.passwordHash, roles: 'expert', organisationId: expertUser.organisationId }, { transaction: tx });
      accountOf.set(code, u.id);
    }
  }
  const expertIds: number[] = [];
  for (const e of EXPERTS) {
    const row = await Expert.create({
      code: e.code, name: e.name, idNumber: idNo(e.id17), employer: e.employer, title: e.title, specialties: e.specialties, phone: e.phone,
      status: 'active', conflicts: e.conflicts ?? [], userId: e.demoUser ? (expertUser?.id ?? null) : (accountOf.get(e.code) ?? null), pools: e.pools ?? ['gp'], ...audit,
    }, { transaction: tx });
    await saveVersion(models, tx, 'expert', row, 'create', by, at);
    expertIds.push(row.get('id') as number);
  }
  for (const p of [
    [0, 'FCZC-2025-0031', '1', 'leader', '2025-09-18'], [1, 'FCZC-2025-0031', '1', 'member', '2025-09-18'], [5, 'FCZC-2025-0031', '1', 'member', '2025-09-18'],
    [6, 'FCZC-2025-0047', '', 'leader', '2025-11-06'], [8, 'FCZC-2025-0047', '', 'member', '2025-11-06'], [3, 'FCZC-2026-0008', '2', 'leader', '2026-04-22'],
  ] as const) {
    const [i, projectRef, lotRef, role, servedOn] = p;
    await PanelService.create({ expertId: expertIds[i], projectRef, lotRef, role, servedOn, note: null, recordedBy: by, recordedAt: at }, { transaction: tx });
  }

  const { CreditRecord } = creditModels(sequelize);
  const records = [
    { subjectKind: 'supplier', subjectCode: DEMO_BLACKLISTED_CODE, subjectName: '绵阳市涪城区顺达印务有限公司', kind: 'black', listName: '政府采购严重违法失信行为记录名单', sourceUnit: 'czj', decisionNo: '涪财采处〔2025〕3号', reason: '在涪城区教育局 2025 年教辅资料印刷项目中提供虚假材料谋取成交', legalBasis: '《中华人民共和国政府采购法》第七十七条第一款第（一）项', validFrom: '2025-06-12', validTo: '2028-06-11' },
    { subjectKind: 'supplier', subjectCode: DEMO_SUPPLIER_CODE, subjectName: '绵阳某某信息技术有限公司', kind: 'red', listName: '纳税信用 A 级纳税人', sourceUnit: 'swj', decisionNo: '2025 年度纳税信用评价结果', reason: '2025 年度纳税信用评价为 A 级', legalBasis: '《纳税信用管理办法》；发改财金〔2016〕1467号', validFrom: '2026-04-20', validTo: '2027-04-19' },
    { subjectKind: 'supplier', subjectCode: cc('91510704MA6ABC123'), subjectName: '四川锦程网络工程有限公司', kind: 'other', listName: '行政处罚', sourceUnit: 'scjgj', decisionNo: '涪市监处罚〔2026〕45号', reason: '未按规定公示年度报告，责令改正并警告', legalBasis: '《企业信息公示暂行条例》第十八条', validFrom: '2026-03-10', validTo: '2027-03-09' },
    { subjectKind: 'supplier', subjectCode: cc('91510600MA6DL4P9Q'), subjectName: '德阳市华西建设工程有限公司', kind: 'black', listName: '拖欠农民工工资失信联合惩戒对象名单', sourceUnit: 'rsj', decisionNo: '德人社欠薪〔2022〕7号', reason: '拖欠农民工工资，经责令仍未支付', legalBasis: '《保障农民工工资支付条例》第四十八条', validFrom: '2022-03-01', validTo: '2024-02-29' },
  ];
  for (const r of records) {
    const row = await CreditRecord.create({ ...r, version: 1, createdBy: by, createdAt: at, updatedBy: by, updatedAt: at }, { transaction: tx });
    await saveVersion(models, tx, 'credit', row, 'create', by, at);
  }
}
