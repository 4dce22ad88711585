/** Sequelize models over `organisations` and `users` (migration 0001). */
import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import { isRole, type OrganisationKind, type Role } from './roles.ts';

export class Organisation extends Model<InferAttributes<Organisation>, InferCreationAttributes<Organisation>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare kind: OrganisationKind;
  declare creditCode: string | null;
  declare createdAt: CreationOptional<Date>;
}

export class User extends Model<InferAttributes<User>, InferCreationAttributes<User>> {
  declare id: CreationOptional<number>;
  declare username: string;
  declare displayName: string;
  declare passwordHash: string;
  /** Comma-separated role names. */
  declare roles: string;
  declare organisationId: number | null;
  declare disabled: CreationOptional<boolean>;
  declare tokenVersion: CreationOptional<number>;
  declare loginFailures: CreationOptional<number>;
  declare lockedUntil: CreationOptional<Date | null>;
  declare lastLoginAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  roleList(): Role[] {
    return this.roles
      .split(',')
      .map((r) => r.trim())
      .filter(isRole);
  }
}

export interface AuthModels {
  Organisation: typeof Organisation;
  User: typeof User;
}

export function defineAuthModels(sequelize: Sequelize): AuthModels {
  if (sequelize.models.User) return { Organisation, User };
  Organisation.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      name: { type: DataTypes.STRING(255), allowNull: false },
      kind: { type: DataTypes.STRING(32), allowNull: false },
      creditCode: { type: DataTypes.STRING(18), allowNull: true, field: 'credit_code' },
      createdAt: { type: DataTypes.DATE(3), field: 'created_at' },
    },
    { sequelize, tableName: 'organisations', modelName: 'Organisation', timestamps: true, updatedAt: false },
  );
  User.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      username: { type: DataTypes.STRING(64), allowNull: false, unique: true },
      displayName: { type: DataTypes.STRING(128), allowNull: false, field: 'display_name' },
      passwordHash: { type: DataTypes.STRING(255), allowNull: false, field: 'password_hash' },
      roles: { type: DataTypes.STRING(255), allowNull: false, defaultValue: '' },
      organisationId: { type: DataTypes.INTEGER, allowNull: true, field: 'organisation_id' },
      disabled: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      tokenVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0, field: 'token_version' },
      loginFailures: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0, field: 'login_failures' },
      lockedUntil: { type: DataTypes.DATE(3), allowNull: true, field: 'locked_until' },
      lastLoginAt: { type: DataTypes.DATE(3), allowNull: true, field: 'last_login_at' },
      createdAt: { type: DataTypes.DATE(3), field: 'created_at' },
      updatedAt: { type: DataTypes.DATE(3), field: 'updated_at' },
    },
    { sequelize, tableName: 'users', modelName: 'User', timestamps: true },
  );
  return { Organisation, User };
}
