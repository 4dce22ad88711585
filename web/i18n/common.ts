/** Strings shared by every page: app frame, login, buttons, paging, generic errors. */
export default {
  'zh-CN': {
    appName: '涪城区公共资源交易中心',
    appSubtitle: '电子化政府采购',
    nav: { home: '首页', logout: '退出登录', language: 'English' },
    login: {
      title: '用户登录',
      username: '用户名',
      password: '密码',
      submit: '登录',
      demoHint: '演示账号：用户名即角色名（如 dept_approver），密码见启动日志（默认 demo1234）。',
    },
    home: { welcome: '欢迎，{{name}}', roles: '您的角色', organisation: '所属单位', pick: '请从上方菜单选择工作。' },
    actions: {
      save: '保存', cancel: '取消', search: '搜索', reset: '重置', edit: '编辑', create: '新建', delete: '删除',
      back: '返回', download: '下载', upload: '上传', confirm: '确定', close: '关闭', refresh: '刷新',
    },
    paging: { prev: '上一页', next: '下一页', summary: '第 {{from}}–{{to}} 条，共 {{total}} 条', summaryOpen: '第 {{from}}–{{to}} 条', empty: '暂无数据' },
    errors: {
      title: '操作未成功',
      notFound: '页面不存在',
      forbidden: '您无权访问此页面',
      loading: '加载中…',
      pageLoad: '页面加载失败（系统可能已更新），请刷新页面。',
    },
    roles: {
      purchaser: '采购人经办', dept_approver: '主管部门审批', finance_section: '财政局政府采购股', supervisor: '监督检查',
      city_finance: '市财政局', agency: '采购代理机构', expert: '评审专家', supplier: '供应商', process_admin: '流程管理员',
      auditor: '审计查询', works_supervisor: '行业主管部门（住建）',
    },
    money: { yuan: '元', wan: '万元' },
  },
  en: {
    appName: 'Fucheng District Public Resource Trading Centre',
    appSubtitle: 'E-procurement',
    nav: { home: 'Home', logout: 'Log out', language: '中文' },
    login: {
      title: 'Log in',
      username: 'User name',
      password: 'Password',
      submit: 'Log in',
      demoHint: 'Demo accounts: the user name is the role name (e.g. dept_approver); the password is printed at start (default demo1234).',
    },
    home: { welcome: 'Welcome, {{name}}', roles: 'Your roles', organisation: 'Organisation', pick: 'Choose your work from the menu above.' },
    actions: {
      save: 'Save', cancel: 'Cancel', search: 'Search', reset: 'Reset', edit: 'Edit', create: 'New', delete: 'Delete',
      back: 'Back', download: 'Download', upload: 'Upload', confirm: 'OK', close: 'Close', refresh: 'Refresh',
    },
    paging: { prev: 'Previous', next: 'Next', summary: '{{from}}–{{to}} of {{total}}', summaryOpen: '{{from}}–{{to}}', empty: 'Nothing here yet' },
    errors: {
      title: 'That did not work',
      notFound: 'Page not found',
      forbidden: 'You may not open this page',
      loading: 'Loading…',
      pageLoad: 'The page could not be loaded (the system may have been updated). Please reload.',
    },
    roles: {
      purchaser: 'Purchaser', dept_approver: 'Department approver', finance_section: 'Finance bureau procurement section',
      supervisor: 'Supervisor', city_finance: 'City finance bureau', agency: 'Procurement agency', expert: 'Expert',
      supplier: 'Supplier', process_admin: 'Process administrator', auditor: 'Auditor',
      works_supervisor: 'Works supervisor (housing bureau)',
    },
    money: { yuan: 'yuan', wan: '10k yuan' },
  },
};
