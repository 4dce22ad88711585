/**
 * Sequelize models over the register tables (migration 0004). Defined per Sequelize instance (tests open many
 * databases in one process); JSON columns are TEXT parsed here, because MariaDB hands JSON back as a string.
 */
import { DataTypes, Model, type ModelStatic, type Sequelize, type Transaction } from 'sequelize';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Row = Model<any, any>;
export type RowModel = ModelStatic<Row>;

const jsonText = (name: string, fallback: unknown) => ({
  type: DataTypes.TEXT,
  allowNull: false,
  get(this: Row) {
    const raw = this.getDataValue(name) as string | null;
    return raw ? JSON.parse(raw) : fallback;
  },
  set(this: Row, v: unknown) {
    this.setDataValue(name, JSON.stringify(v ?? fallback));
  },
});

const audit = {
  version: { type: DataTypes.INTEGER, allowNull: false },
  createdAt: { type: DataTypes.DATE(3), allowNull: false },
  updatedAt: { type: DataTypes.DATE(3), allowNull: false },
  updatedBy: { type: DataTypes.STRING(64), allowNull: false },
};

export interface RegistryModels {
  Supplier: RowModel;
  Agency: RowModel;
  GoodsItem: RowModel;
  Expert: RowModel;
  PanelService: RowModel;
  RegisterVersion: RowModel;
}

const opts = (tableName: string) => ({ tableName, underscored: true, timestamps: false });

export function registryModels(sequelize: Sequelize): RegistryModels {
  if (sequelize.models.Supplier) {
    const m = sequelize.models;
    return { Supplier: m.Supplier, Agency: m.Agency, GoodsItem: m.GoodsItem, Expert: m.Expert, PanelService: m.PanelService, RegisterVersion: m.RegisterVersion } as RegistryModels;
  }
  const S = DataTypes.STRING;
  const Supplier = sequelize.define('Supplier', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    creditCode: S(18), name: S(200), legalRep: S(64), contactName: S(64), contactPhone: S(32), address: S(300),
    scale: S(8), qualifications: jsonText('qualifications', []), bankName: S(128), bankAccount: S(40), status: S(16),
    organisationId: DataTypes.INTEGER, source: S(16), ...audit,
  }, opts('suppliers'));
  const Agency = sequelize.define('Agency', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    creditCode: S(18), name: S(200), contactName: S(64), contactPhone: S(32), address: S(300),
    staffUserIds: jsonText('staffUserIds', []), organisationId: DataTypes.INTEGER, status: S(16), ...audit,
  }, opts('agencies'));
  const GoodsItem = sequelize.define('GoodsItem', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    categoryCode: S(16), name: S(128), spec: S(400), unit: S(16),
    referencePriceFen: {
      type: DataTypes.BIGINT,
      // MariaDB returns BIGINT as a string (bigNumberStrings); prices are far below 2^53 fen.
      get(this: Row) {
        return Number(this.getDataValue('referencePriceFen'));
      },
    },
    status: S(16), ...audit,
  }, opts('goods_items'));
  const Expert = sequelize.define('Expert', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    code: S(32), name: S(64), idNumber: S(18), employer: S(200), title: S(64), specialties: jsonText('specialties', []),
    phone: S(32), status: S(16), conflicts: jsonText('conflicts', []), userId: DataTypes.INTEGER,
    // migration 0018: the expert databases the expert belongs to ('gp' 政府采购评审专家库, 'works' 综合评标专家库)
    pools: { ...jsonText('pools', ['gp']), defaultValue: JSON.stringify(['gp']) }, ...audit,
  }, opts('experts'));
  const PanelService = sequelize.define('PanelService', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    expertId: DataTypes.INTEGER, projectRef: S(64), lotRef: S(32), role: S(16), servedOn: S(10), note: S(500),
    recordedBy: S(64), recordedAt: DataTypes.DATE(3),
  }, opts('expert_panel_service'));
  const RegisterVersion = sequelize.define('RegisterVersion', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    register: S(16), recordId: DataTypes.INTEGER, version: DataTypes.INTEGER, action: S(16),
    data: jsonText('data', {}), changedBy: S(64), changedAt: DataTypes.DATE(3),
  }, opts('register_versions'));
  return { Supplier, Agency, GoodsItem, Expert, PanelService, RegisterVersion };
}

/** The Sequelize instance a transaction belongs to (for functions other components call with only `tx`). */
export function sequelizeOf(tx: Transaction): Sequelize {
  return (tx as unknown as { sequelize: Sequelize }).sequelize;
}
